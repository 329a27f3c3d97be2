"""The hub's search: one box over every page type and the documents, in the active locale.

The engine ranks (SQLite, PostgreSQL or OpenSearch/Elasticsearch, whichever the settings
choose); facets, dates and filters come from the database (search.facets). A query is tried
as typed (every word), then with its unknown words corrected to the hub's own words, then
with the engine's typo tolerance, then with any of its words; the first try that finds
something is shown. When the engine cannot answer, the database index (the "database"
backend) answers instead and the page says so.
"""

import json
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.db import NotSupportedError, connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from modelsearch.backends import get_search_backend
from modelsearch.index import SearchField
from modelsearch.utils import get_descendants_content_types_pks, normalise_query_string
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page

from partnerships.models import EventPage
from search import facets, spelling
from search.query import highlight_query, parse_query
from search.russian import Highlighter, analyse, words

logger = logging.getLogger(__name__)

PER_PAGE = 10
# Ranked hits per kind (pages, documents) that facets, date sorting and counts work on.
WINDOW = 200
MODES = ("exact", "corrected", "fuzzy", "any")
# Reciprocal-rank fusion of pages and documents: 1 / (K + rank), documents weighted lower.
RRF_K = 10
DOCUMENT_WEIGHT = 0.8
SUGGESTIONS = 8
# The most page ids a search narrowed by its facets sends an engine (see HubSearch._narrow).
ENGINE_IDS = 50_000


class EngineUnavailable(Exception):
    """Neither the engine nor a database fallback could answer."""


def fallback_alias():
    return "database" if "database" in settings.WAGTAILSEARCH_BACKENDS else None


_backends = {}


def backend(alias):
    """The configured backend, made once per configuration: an engine backend holds a client
    with its connection pool, which should outlive a single request."""
    config = settings.WAGTAILSEARCH_BACKENDS.get(alias)
    key = (alias, json.dumps(config, sort_keys=True, default=str))
    if key not in _backends:
        _backends[key] = get_search_backend(alias)
    return _backends[key]


@dataclass
class Outcome:
    params: object
    mode: str = ""
    hits: list = field(default_factory=list)
    page: object = None
    facets: dict = field(default_factory=dict)
    degraded: bool = False
    suggestion: str | None = None
    promotions: list = field(default_factory=list)
    hinted_types: list = field(default_factory=list)
    unfiltered_total: int = 0
    # More hits than WINDOW without the filters: unfiltered_total is a lower bound.
    unfiltered_capped: bool = False
    corrected: str = ""
    # More hits than WINDOW: counts and facets cover the best-ranked WINDOW only.
    capped: bool = False

    @property
    def total(self):
        return len(self.hits)


@dataclass
class Try:
    """One mode of a search: the query sent to the engine, and what it asks to be marked."""

    mode: str
    effective: object
    query: object
    marks_query: object = None
    hinted: tuple = ((), ())


class Backends:
    """The engine, and the database backend to fall back on when the engine is down."""

    def __init__(self, alias=None):
        self.alias = alias or "default"
        self.degraded = False

    @cached_property
    def primary(self):
        return backend(self.alias)

    @cached_property
    def fallback(self):
        alias = fallback_alias()
        return backend(alias) if alias and alias != self.alias else None

    def call(self, action):
        """action(backend); on the engine's unavailability, action(fallback)."""
        if not self.degraded:
            errors = getattr(self.primary, "unavailable_errors", ())
            try:
                return action(self.primary)
            except errors as error:
                logger.warning("Search engine unavailable, using the database: %s", error)
                self.degraded = True
        if self.fallback is None:
            raise EngineUnavailable
        return action(self.fallback)


def ranked_pks(backend, query, queryset, limit=None, autocomplete=False):
    search = backend.autocomplete if autocomplete else backend.search
    results = search(query, queryset, operator=None)[: limit or WINDOW]
    pks = getattr(results, "pks", None)
    if pks is not None:
        return pks()
    return [obj.pk for obj in results]


def _safely(backend, action):
    """A mode a database backend cannot run (upstream's backends raise NotImplementedError for
    typo tolerance) finds nothing, rather than failing the page."""
    if not getattr(backend, "is_database", False):
        return action()
    try:
        return action()
    except NotImplementedError:
        return []
    except NotSupportedError as error:
        logger.warning("Search mode unavailable on this database: %s", error)
        return []


class HubSearch:
    """The search page's pipeline. engine_only=True leaves out what the hub adds to the
    engine's ranking (spelling correction, type, kind and settlement-name hints): the
    relevance command uses it to show what each engine does alone."""

    def __init__(self, locale=None, alias=None, request=None, engine_only=False):
        self.locale = locale or Locale.get_active()
        self.backends = Backends(alias)
        self.request = request
        self.engine_only = engine_only
        self.capped = False
        self.labels = {}
        # The engine's marks of the first page's likely hits, from the ranking request.
        self.early_marks = {}
        self._suggestions = {}
        # A result type key («eventpage», «document»): rank only pages of that type, or only
        # documents (the type facet's choice, see run()).
        self.scope = None
        self._scoped = {}
        # The pages the region, cooperation and year chosen allow (_narrow()): the kept facts'
        # page ids as a queryset, the ids derived now, and all of them as a list for an
        # engine; and whether the documents, which have no region or year, are left out.
        self.narrowed = None
        self.without_documents = False

    # ------------------------------------------------------------ querysets

    @cached_property
    def _pages(self):
        # public() reads the view restrictions when it is called: once per search.
        return Page.objects.live().public().filter(locale=self.locale)

    def pages(self):
        """The pages to rank, None when the scope is documents."""
        if self.scope is None:
            pages = self._pages.all()
        else:
            model = facets.page_type(self.scope)
            if model is None:
                return None
            if self.narrowed is not None and self._batches():
                # An engine leaves out a filter on a page type's own primary key (its pointer
                # to the page row): the pages are filtered by type instead.
                pages = self._pages.filter(
                    content_type__in=get_descendants_content_types_pks(model)
                )
            else:
                if model not in self._scoped:
                    # Of the type's own model: a tier then reads that type's entries only.
                    self._scoped[model] = model.objects.live().public().filter(locale=self.locale)
                pages = self._scoped[model].all()
        if self.narrowed is None:
            return pages
        kept, derived, ids = self.narrowed
        if self._batches():
            # An engine takes the ids themselves, read once for every ranking.
            return pages.filter(pk__in=ids)
        return pages.filter(Q(pk__in=kept) | Q(pk__in=derived))

    @cached_property
    def vocabulary(self):
        """The hub's words (search.spelling), read once per search."""
        return spelling.vocabulary(self.locale)

    def spelling_suggestion(self, query_words):
        """spelling.suggest, once per search: a query that finds nothing asks twice."""
        key = tuple(query_words)
        if key not in self._suggestions:
            self._suggestions[key] = spelling.suggest(
                query_words, self.locale, known=self.vocabulary
            )
        return self._suggestions[key]

    @cached_property
    def _documents(self):
        # The restrictions are read once per search, as for pages.
        return facets.public_documents()

    def documents(self):
        """The documents to rank, None when the scope is a page type."""
        if self.scope not in (None, facets.DOCUMENT) or self.without_documents:
            return None
        return self._documents.all()

    # ------------------------------------------------------------ ranking

    def _ranked(self, tries):
        """[(ranked page pks, ranked document pks)] for each Try, up to the first that finds
        anything (the rest are left out). An engine ranks the pages and the documents of every
        try in one request, and marks each try's words in that request too, in the hits the
        first page is likely to show (kept in self.early_marks, a dict per try): the best
        PER_PAGE pages and documents, and the best PER_PAGE of each type and event kind the
        query names, which the page puts first."""
        self.early_marks = [{} for _try in tries]

        def action(backend):
            if hasattr(backend, "pks_together"):
                return self._ranked_together(backend, tries)
            found = []
            for attempt in tries:
                pages, documents = (
                    _safely(backend, partial(ranked_pks, backend, attempt.query, queryset))
                    if queryset is not None
                    else []
                    for queryset in (self.pages(), self.documents())
                )
                found.append((pages, documents))
                if pages or documents:
                    break
            return found

        return self.backends.call(action)

    def _ranked_together(self, backend, tries):
        # A kind the scope leaves out is not asked for: it ranks nothing, and marks nothing.
        querysets = [
            (kind, queryset)
            for kind, queryset in (("page", self.pages()), (facets.DOCUMENT, self.documents()))
            if queryset is not None
        ]
        slices, marked, marked_kinds = [], [], []
        for attempt in tries:
            slices += [
                backend.search(attempt.query, queryset, operator=None)[:WINDOW]
                for _kind, queryset in querysets
            ]
            these = []
            if attempt.marks_query is not None:
                hinted = [("page", queryset) for queryset in self._hinted_pages(*attempt.hinted)]
                these = [
                    (
                        kind,
                        backend.search(attempt.query, queryset, operator=None)[:PER_PAGE],
                        backend.search(attempt.marks_query, queryset),
                    )
                    for kind, queryset in (*querysets, *hinted)
                ]
            marked += [(ranking, marks) for _kind, ranking, marks in these]
            marked_kinds.append([kind for kind, _ranking, _marks in these])
        ranked, marks = backend.pks_together(slices, marked)
        for number, kinds in enumerate(marked_kinds):
            if kinds:
                early = {"page": {}, facets.DOCUMENT: {}}
                # The hinted types' marks come after the pages' own, which win.
                for kind, found in zip(kinds, marks, strict=False):
                    early[kind] = found | early[kind]
                self.early_marks[number] = early
            marks = marks[len(kinds) :]
        width = len(querysets)
        found = []
        for number in range(len(tries)):
            rankings = dict(
                zip(
                    (kind for kind, _queryset in querysets),
                    ranked[width * number : width * (number + 1)],
                    strict=True,
                )
            )
            found.append((rankings.get("page", []), rankings.get(facets.DOCUMENT, [])))
        return found

    def _hinted_pages(self, types, kinds):
        """Querysets of the pages of each type and event kind the query names. Only their
        highlights are read, for hits of the search's own (public) pages: no restriction is
        read here."""
        live = {"live": True, "locale": self.locale}
        if self.scope is not None:
            # A search within one type shows that type only: its own marks are enough.
            return
        if kinds:
            yield EventPage.objects.filter(kind__in=kinds, **live)
        for key in types:
            model = facets.page_type(key)
            if model is not None and not (kinds and model is EventPage):
                yield model.objects.filter(**live)

    def hints(self, effective):
        """(types, kinds): the result types and the event kinds the query names, which the
        page puts first. A query that is only a settlement's name («Никольском») names the
        cooperation and the settlements of that name."""
        if self.engine_only:
            return [], []
        kinds = effective.kind_hints()
        types = effective.type_hints() + (["eventpage"] if kinds else [])
        if spelling.names_only(effective.content_stems(), self.locale, known=self.vocabulary):
            types += [key for key in ("cooperationpage", "settlementpage") if key not in types]
        return types, kinds

    def find(self, parsed, modes=MODES):
        """(mode, hits, the query that found them) for the first of the modes that finds
        anything.

        Modes: exact (every word), corrected (every word, with the words the hub does not
        know replaced by its nearest words), fuzzy (the engine's typo tolerance), any (any
        of the words). A query with a word the hub does not know will likely need the typo
        modes: an engine is then asked exact, corrected and fuzzy in one request, and the
        first that found anything is taken, as if they had been asked one by one.
        """
        groups = [[mode] for mode in modes]
        if (
            modes == MODES
            and self._batches()
            and spelling.unknown(parsed.all_words, known=self.vocabulary)
        ):
            groups = [["exact", "corrected", "fuzzy"], ["any"]]
        for group in groups:
            tries = [attempt for mode in group if (attempt := self._try(parsed, mode))]
            if not tries:
                continue
            for attempt, (pages, documents), marks in zip(
                tries, self._ranked(tries), self.early_marks, strict=False
            ):
                self.capped = any(
                    len(found) >= WINDOW or getattr(found, "more", False)
                    for found in (pages, documents)
                )
                if pages or documents:
                    self.early_marks = marks
                    return attempt.mode, self._fuse(pages, documents), attempt.effective
        self.early_marks = {}
        return "", [], parsed

    def _batches(self):
        """True when the engine can take several rankings in one request."""
        return not self.backends.degraded and hasattr(self.backends.primary, "pks_together")

    def _try(self, parsed, mode):
        """The Try of a mode, or None when the mode does not apply to the query."""
        effective = parsed
        if mode == "corrected":
            if self.engine_only:
                return None
            suggestion = self.spelling_suggestion(parsed.all_words)
            if not suggestion:
                return None
            effective = parse_query(suggestion)
        if mode == "any" and len(parsed.content_words()) + len(parsed.phrases) < 2:
            return None
        query = effective.engine_query("exact" if mode == "corrected" else mode)
        if query is None:
            return None
        marks_query, hinted = None, ((), ())
        # Typo matches are marked by the hub's highlighter (see _engine_highlights).
        if not self.engine_only and mode != "fuzzy":
            marks_query, hinted = highlight_query(effective), self.hints(effective)
        return Try(mode, effective, query, marks_query, hinted)

    @staticmethod
    def _fuse(pages, documents):
        scored = [(1 / (RRF_K + rank), facets.Hit("page", pk)) for rank, pk in enumerate(pages)]
        scored += [
            (DOCUMENT_WEIGHT / (RRF_K + rank), facets.Hit(facets.DOCUMENT, pk))
            for rank, pk in enumerate(documents)
        ]
        scored.sort(key=lambda item: -item[0])
        return [hit for _score, hit in scored]

    # ------------------------------------------------------------ the search page

    def rank(self, parsed, modes=MODES):
        """(mode, hits, the query that found them, hinted types), hits in their final order
        and described for the facets (find() tries the modes).

        Hints reorder: the types the query names («библиотеки …») come first, and a query
        that is only a settlement's name («Никольском») puts the cooperation and the
        settlements of that name first.
        """
        mode, hits, effective = self.find(parsed, modes)
        hints, kinds = self.hints(effective)
        if kinds and effective.only_names_kinds() and self.scope in (None, "eventpage"):
            hits = self._with_kind_events(hits, kinds)
        self.labels = facets.describe(hits, self.locale)
        if hints:
            hits = _hinted_first(hits, hints, kinds)
        return mode, hits, effective, hints

    def run(self, params):
        parsed = params.query
        outcome = Outcome(params=params)
        if not parsed:
            return outcome
        mode, hits, effective, outcome.hinted_types = self.rank(parsed)
        filters = params.filters
        outcome.unfiltered_total = len(hits)
        unfiltered = None
        outcome.unfiltered_capped = self.capped
        if filters and self.capped and self._narrow(filters):
            # The best WINDOW hits hold only some of those the filters choose: these are
            # ranked on their own, and the chosen facets still count the best of the whole
            # search, so that another value can be chosen instead.
            unfiltered = (hits, self.labels)
            # In the mode that found them: the modes before it found nothing at all.
            mode, hits, effective, outcome.hinted_types = self.rank(parsed, modes=(mode,))
        outcome.mode = mode
        if effective is not parsed:
            outcome.corrected = effective.text
        outcome.degraded = self.backends.degraded
        outcome.capped = self.capped

        outcome.facets = facets.count_facets(hits, filters, self.labels)
        shown = [hit for hit in hits if hit.matches(filters)]
        if unfiltered is not None:
            hits_of_all, labels_of_all = unfiltered
            # The names of the chosen values are among the narrowed hits' labels.
            labels = {name: labels_of_all[name] | self.labels[name] for name in labels_of_all}
            outcome.facets.update(
                facets.count_chosen(hits_of_all, labels, filters, chosen=len(shown))
            )
        if outcome.unfiltered_capped:
            # Beyond the best WINDOW hits, any type may have more: each can be chosen.
            facets.add_uncounted_types(outcome.facets["type"])
        if params.sort == "date":
            shown.sort(key=lambda hit: (hit.date is not None, hit.date), reverse=True)
        outcome.hits = shown
        paginator = Paginator(shown, PER_PAGE)
        outcome.page = paginator.get_page(min(params.page, paginator.num_pages))
        self._decorate(list(outcome.page), effective, mode)

        if mode not in ("exact", "corrected"):
            outcome.suggestion = self.spelling_suggestion(parsed.all_words)
        if params.page == 1 and not filters:
            outcome.promotions = promotions(parsed.text, self.locale)
        return outcome

    def _narrow(self, filters):
        """Rank within the filters from now on: the chosen type's own pages (or only the
        documents), and the pages whose kept facts have the chosen region, cooperation and
        year. False when nothing narrows the ranking: no type chosen, and too many pages
        without kept facts to narrow by the others (the best hits are then filtered)."""
        self.scope = filters.get("type")
        if {"region", "cooperation", "year"} & filters.keys():
            narrowed = facets.narrowed_pages(filters, self.locale)
            if narrowed is not None:
                kept, derived = narrowed
                ids = [*kept, *derived] if self._batches() else None
                # An engine refuses a filter of more terms than its max_terms_count (65,536
                # by default): so many pages are narrowed as the best hits only.
                if ids is None or len(ids) <= ENGINE_IDS:
                    self.narrowed = (kept, derived, ids)
                    # Documents have no region or year.
                    self.without_documents = bool({"region", "year"} & filters.keys())
        return self.scope is not None or self.narrowed is not None

    def _with_kind_events(self, hits, kinds):
        """A query that only names a kind («семинары») lists every event of that kind."""
        seen = {hit.key for hit in hits}
        room = max(0, WINDOW - len(hits))
        # Enough to fill the room after the events already among the hits, and one more
        # to tell that there are more.
        newest = facets.kind_event_pks(kinds, self.pages(), limit=WINDOW + 1)
        extra = [facets.Hit("page", pk) for pk in newest if ("page", pk) not in seen]
        # Like ranked hits, at most WINDOW of them: facets and counts cover those.
        if len(extra) > room:
            self.capped = True
        return hits + extra[:room]

    # ------------------------------------------------------------ what a hit shows

    def _decorate(self, hits, parsed, mode):
        if not hits:
            return
        highlighter = Highlighter(parsed.stems, fuzzy=mode == "fuzzy")
        page_pks = [hit.pk for hit in hits if hit.kind == "page"]
        document_pks = [hit.pk for hit in hits if hit.kind == facets.DOCUMENT]
        pages = facets.specific_pages(
            page_pks, models={hit.model for hit in hits if hit.kind == "page" and hit.model}
        )
        engine_marks = self._engine_highlights(parsed, mode, page_pks, document_pks)
        labels = facets.type_labels()
        for hit in hits:
            hit.type_label = labels.get(hit.type) or facets.other_type_label()
            obj = pages.get(hit.pk) if hit.kind == "page" else hit.object
            hit.object = obj
            if obj is None:
                continue
            marks = engine_marks.get(hit.key, {})
            if hit.kind == "page":
                hit.url = obj.get_url(self.request) or ""
                # Read lazily: a page's body (rich text to strip) is read only when its
                # description and intro have no match.
                texts = page_texts(obj)
            else:
                hit.url = obj.url
                texts = [hit.description]
            hit.title_html = marks.get("title") or highlighter.mark(obj.title)
            snippet = next((html for name, html in marks.items() if name != "title"), None)
            if snippet is None:
                snippet, texts = first_fragment(highlighter, texts)
            hit.snippet_html = snippet or plain_summary(texts)

    def _engine_highlights(self, parsed, mode, page_pks, document_pks):
        """{(kind, pk): {field: html}} from an engine that highlights, else empty.

        Typo matches (fuzzy mode) are marked by the hub's highlighter, as on the database
        tiers: an engine rewrites a fuzzy highlight query for every highlighted field, which
        costs about 300 ms for ten hits at 30,000 pages.
        """
        engine = self.backends.primary
        if self.backends.degraded or getattr(engine, "is_database", True) or mode == "fuzzy":
            return {}
        query = highlight_query(parsed)
        if query is None or not hasattr(engine, "highlights_together"):
            return {}
        # The ranking request marked the best hits of each kind; the rest are asked now.
        early = self.early_marks
        marked = [(kind, early[kind]) for kind in ("page", facets.DOCUMENT) if early.get(kind)]
        try:
            asked = [
                (kind, engine.search(query, model.objects.filter(pk__in=missing))[: len(missing)])
                for kind, model, pks in (
                    ("page", Page, page_pks),
                    (facets.DOCUMENT, get_document_model(), document_pks),
                )
                if (missing := [pk for pk in pks if pk not in early.get(kind, {})])
            ]
            if asked:
                answered = engine.highlights_together([results for _kind, results in asked])
                marked += [
                    (kind, highlights)
                    for (kind, _results), highlights in zip(asked, answered, strict=True)
                ]
        except engine.unavailable_errors as error:
            logger.warning("Search engine highlighting unavailable: %s", error)
        found = {}
        for kind, highlights in marked:
            for pk, marks in highlights.items():
                # The engine escapes the text (encoder "html") and adds only <mark>.
                found[(kind, pk)] = {name: mark_safe(html) for name, html in marks.items()}  # noqa: S308
        return found

    # ------------------------------------------------------------ suggestions as you type

    def suggest(self, text, limit=SUGGESTIONS):
        typed = words(text)[:8]
        if not typed or not any(len(word) >= 2 for word in typed):
            return []

        def action(backend):
            return ranked_pks(
                backend, " ".join(typed), self.pages(), limit=limit, autocomplete=True
            )

        try:
            found = self.backends.call(action)
        except EngineUnavailable:
            return []
        by_pk = facets.specific_pages(found)
        labels = facets.type_labels()
        out = []
        for pk in found:
            page = by_pk.get(pk)
            if page is None:
                continue
            out.append(
                {
                    "title": page.title,
                    "url": page.get_url(self.request) or "",
                    "type": str(page._meta.verbose_name),
                    "section": str(labels.get(page._meta.model_name, "")),
                }
            )
        return out


def _hinted_first(hits, hints, kinds):
    """Hits of the types (and event kinds) the query names come first, in the order named."""
    rank = {key: position for position, key in enumerate(hints)}
    kinds = set(kinds or ())
    kind_pks = {hit.pk for hit in hits if hit.type == "eventpage" and hit.event_kind in kinds}

    def key(item):
        position, hit = item
        if hit.kind == "page" and hit.pk in kind_pks:
            return (-1, position)
        return (rank.get(hit.type, len(rank)), position)

    return [hit for _position, hit in sorted(enumerate(hits), key=key)]


def page_texts(page):
    """The page's searchable texts other than its title, in the order of its search fields."""
    description = getattr(page, "search_description", "")
    if description:
        yield description
    for search_field in page.get_search_fields():
        if not isinstance(search_field, SearchField) or search_field.field_name == "title":
            continue
        value = search_field.get_value(page)
        if isinstance(value, (list, tuple)):
            value = " ".join(str(item) for item in value)
        if isinstance(value, str) and value.strip():
            yield value


def first_fragment(highlighter, texts):
    """(the fragment of the first text with a match, or None; the texts read), reading texts
    only up to that one."""
    read = []
    for text in texts:
        read.append(text)
        if found := highlighter.fragment(text):
            return found, read
    return None, read


def plain_summary(texts, size=220):
    for text in texts:
        text = " ".join((text or "").split())
        if text:
            return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"
    return ""


def _promotion_key(text):
    return " ".join(words(text))


def promotions(text, locale):
    """Editors' promoted results for the query, in the active locale. «ёлка» and «елка», or
    «Ёлка!», are one query: promotions are few, so they are matched here, folded. Two
    queries however many there are: the promotions, then their pages in the active locale."""
    key = _promotion_key(text)
    if not key:
        return []
    # Most queries have none: their keys alone are read first, a narrow query (the promotions
    # with their pages cost 3 ms of query building, even when there are none).
    pks = [
        pk
        for pk, query_string in SearchPromotion.objects.values_list("pk", "query__query_string")
        if _promotion_key(query_string) == key
    ]
    if not pks:
        return []
    matched = list(
        SearchPromotion.objects.filter(pk__in=pks)
        .select_related("query", "page")
        .order_by("sort_order", "pk")
    )
    keys = {promotion.page.translation_key for promotion in matched if promotion.page_id}
    localized = {}
    if keys:
        # The promoted page in the active locale (Page.localized), when it is published.
        localized = {
            page.translation_key: page
            for page in Page.objects.live().filter(locale=locale, translation_key__in=keys)
        }
    found = []
    for promotion in matched:
        if promotion.page_id:
            page = localized.get(promotion.page.translation_key)
            if page is None:
                continue
            found.append(
                {"title": page.title, "url": page.get_url(), "text": promotion.description}
            )
        elif promotion.external_link_url:
            found.append(
                {
                    "title": promotion.external_link_text or promotion.external_link_url,
                    "url": promotion.external_link_url,
                    "text": promotion.description,
                }
            )
    return found


def record_hit(text):
    """Count the query for the editors' «popular searches» (only meaningful queries)."""
    normalised = normalise_query_string(" ".join(words(text)))[:255]
    if not (normalised and analyse(normalised)):
        return
    today = timezone.now().date()
    # A query already counted today is one UPDATE; Wagtail's Query.add_hit() costs three.
    count = QueryDailyHits.objects.filter(query__query_string=normalised, date=today)
    if count.update(hits=F("hits") + 1):
        return
    # Its first search today: the query is inserted when missing, then its day's row inserted
    # or, when a search of the same query at the same moment made it, counted. Two statements
    # more, where Wagtail's Query.get() and add_hit() took nine.
    Query.objects.bulk_create([Query(query_string=normalised)], ignore_conflicts=True)
    _count_first_hit(normalised, today)


def _count_first_hit(normalised, today):
    """An upsert (SQLite and PostgreSQL alike), which the ORM cannot say with an increment."""
    quote = connection.ops.quote_name
    hits, query = QueryDailyHits._meta, Query._meta
    column = {name: quote(hits.get_field(name).column) for name in ("query", "date", "hits")}
    with connection.cursor() as cursor:
        # Names from the models' own metadata; the values are parameters. The WHERE before
        # ON CONFLICT is what SQLite needs to read an upsert after a SELECT.
        cursor.execute(
            f"INSERT INTO {quote(hits.db_table)} ({column['query']}, {column['date']}, "  # noqa: S608
            f"{column['hits']}) SELECT {quote(query.pk.column)}, %s, 1 "
            f"FROM {quote(query.db_table)} "
            f"WHERE {quote(query.get_field('query_string').column)} = %s "
            f"ON CONFLICT ({column['query']}, {column['date']}) "
            f"DO UPDATE SET {column['hits']} = {quote(hits.db_table)}.{column['hits']} + 1",
            [connection.ops.adapt_datefield_value(today), normalised],
        )
