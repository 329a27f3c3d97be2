"""The hub's own words: spelling suggestions («Возможно, вы искали …») and settlement names.

The vocabulary is the words of the active locale's live page titles, introductions and
names, and of document titles: the words a reader is likely to look for. It is cached and
rebuilt when pages are published, unpublished or deleted.
"""

import hashlib
import time
from collections import Counter
from itertools import islice

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, F, Func, Max, Subquery
from wagtail.documents import get_document_model
from wagtail.models import Page

from partnerships.models import CooperationPage, LibraryPage, SettlementPage
from search.russian import edit_distance, fold, fuzziness, stem, words

CACHE_SECONDS = 600
MIN_WORD_LENGTH = 3


def _stamp(locale):
    """What changes when the vocabulary may: live pages and documents, counted and dated
    (one query)."""
    documents = get_document_model().objects.order_by()
    found = (
        Page.objects.live()
        .filter(locale=locale)
        .order_by()
        .aggregate(
            n=Count("pk"),
            t=Max("last_published_at"),
            # Max() of a one-row subquery: aggregate() takes aggregates only.
            dn=Max(Subquery(documents.annotate(n=Func(F("pk"), function="COUNT")).values("n"))),
            dt=Max(
                Subquery(documents.annotate(t=Func(F("created_at"), function="MAX")).values("t"))
            ),
        )
    )
    stamp = f"{found['n']}-{found['t']}-{found['dn']}-{found['dt']}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:16]


def _models_with_intro():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Page) and any(f.name == "intro" for f in model._meta.local_fields)
    ]


def _texts(locale):
    live = {"live": True, "locale": locale}
    yield from Page.objects.filter(**live).values_list("title", flat=True)
    for model in _models_with_intro():
        yield from model.objects.filter(**live).values_list("intro", flat=True)
    yield from SettlementPage.objects.filter(**live).values_list("name", flat=True)
    yield from LibraryPage.objects.filter(**live).values_list("official_name", flat=True)
    yield from CooperationPage.objects.filter(**live).values_list("settlement_name", flat=True)
    yield from get_document_model().objects.values_list("title", flat=True)


def _name_stems(locale):
    live = {"live": True, "locale": locale}
    names = [
        *SettlementPage.objects.filter(**live).values_list("name", flat=True),
        *CooperationPage.objects.filter(**live).values_list("settlement_name", flat=True),
    ]
    return frozenset(stem(word) for name in names for word in words(name))


# The stamp costs a scan of the page table (35 ms on SQLite, 20 ms on PostgreSQL at 30,000
# pages): this process reads it at most once a minute, and at once after any page or document
# it saves or deletes. Another process sees a change within the minute; the vocabulary serves
# only spelling suggestions and the settlement-name hint, which can wait that long.
STAMP_SECONDS = 60
_stamps = {}


def current_stamp(locale):
    now = time.monotonic()
    found = _stamps.get(locale.pk)
    if found is None or found[0] <= now:
        found = _stamps[locale.pk] = (now + STAMP_SECONDS, _stamp(locale))
    return found[1]


def forget_stamps(sender=None, **kwargs):
    """Signal receiver: a page or a document changed, so the vocabulary may have too."""
    if sender is None or issubclass(sender, (Page, get_document_model())):
        _stamps.clear()


def vocabulary(locale):
    """(Counter of folded words, their stems, stems of settlement names), cached."""
    key = f"tezki-search-vocabulary:{locale.pk}:{current_stamp(locale)}"
    found = cache.get(key)
    if found is None:
        counter = Counter()
        # A few thousand texts at a time, as one string: the words never span the line
        # breaks, and one pass of the pattern over many texts costs a fraction of one each.
        texts = _texts(locale)
        while batch := list(islice(texts, 5000)):
            batch_words = words("\n".join(text or "" for text in batch))
            counter.update(word for word in batch_words if len(word) >= MIN_WORD_LENGTH)
        found = (counter, frozenset(stem(word) for word in counter), _name_stems(locale))
        cache.set(key, found, CACHE_SECONDS)
    return found


def names_only(stems, locale, known=None):
    """True when every stem is a word of a settlement name: «Никольском», «в Алексеевке».

    `known` is vocabulary(locale) when the caller has read it already."""
    if not stems:
        return False
    return set(stems) <= (known or vocabulary(locale))[2]


def _is_known(folded, counter, stems):
    return len(folded) < MIN_WORD_LENGTH or folded in counter or stem(folded) in stems


def unknown(query_words, locale=None, known=None):
    """True when a word of the query is not one of the hub's words (suggest() would change it)."""
    counter, stems, _names = known or vocabulary(locale)
    return any(not _is_known(fold(word), counter, stems) for word in query_words)


def suggest(query_words, locale, known=None):
    """The query with its unknown words replaced by the nearest known ones, or None."""
    counter, stems, _names = known or vocabulary(locale)
    changed = False
    out = []
    for word in query_words:
        folded = fold(word)
        if _is_known(folded, counter, stems):
            out.append(word)
            continue
        limit = fuzziness(folded)
        scored = [
            (edit_distance(folded, known, limit), -count, known)
            for known, count in counter.items()
            if abs(len(known) - len(folded)) <= limit
        ]
        scored = [item for item in scored if item[0] <= limit]
        if scored:
            out.append(min(scored)[2])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
