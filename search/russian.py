"""Russian text for search: folding ё→е, words, stop words, Snowball stems, typo distance.

The embedded (SQLite) backend indexes and queries the stems made here; the search page uses
the same functions for highlighting and spelling suggestions on every tier, so that what is
highlighted is what the engines match.
"""

import itertools
import re
import threading
import unicodedata

import Stemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Letters and digits; the underscore is not a word character for a reader.
WORD_RE = re.compile(r"[^\W_]+")

# The Snowball Russian stop list (the same list as PostgreSQL's russian.stop and Lucene's
# _russian_), with ё already folded to е.
STOP_WORDS = frozenset(
    """
    а без более больше будет будто бы был была были было быть в вам вас вдруг ведь во вот
    впрочем все всегда всего всех всю вы где да даже два для до другой его ее ей ему если
    есть еще ж же за зачем здесь и из или им иногда их к как какая какой когда конечно кто
    куда ли лучше между меня мне много может можно мой моя мы на над надо наконец нас не
    него нее ней нельзя нет ни нибудь никогда ним них ничего но ну о об один он она они
    опять от перед по под после потом потому почти при про раз разве с сам свою себе себя
    сейчас со совсем так такой там тебя тем теперь то тогда того тоже только том тот три
    тут ты у уж уже хорошо хоть чего чем через что чтоб чтобы чуть эти этого этой этом этот
    эту я
    """.split()
)

_local = threading.local()


def _stemmer():
    # PyStemmer objects keep a cache and are not safe to share between threads.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("russian")
    return stemmer


def fold(text):
    """Lower case, ё→е, and composed letters (a decomposed «ё» is one letter again)."""
    return unicodedata.normalize("NFC", text).lower().replace("ё", "е")


def words(text):
    """The folded words of a text, in order, stop words included."""
    return WORD_RE.findall(fold(text))


def stem(word):
    """The Snowball stem of one folded word."""
    return _stemmer().stemWord(word)


def analyse(text):
    """The stems of a text's words, stop words left out: what search indexes and matches."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def fuzziness(term):
    """Edits allowed for a typo in a term, as Lucene's AUTO: none, one, or two."""
    if len(term) <= 2:
        return 0
    return 1 if len(term) <= 5 else 2


def edit_distance(a, b, limit):
    """Levenshtein distance of two strings, or limit + 1 as soon as it must exceed limit."""
    return Levenshtein.distance(a, b, score_cutoff=limit)


def close_to(term, candidates):
    """The candidates within a typo's reach of term (by fuzziness), nearest first. Compared
    in C (rapidfuzz): a typo is checked against every word of the index, 30,000 of them and
    more at the benchmark's scale."""
    limit = fuzziness(term)
    if not limit:
        return []
    found = process.extract(
        term, candidates, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
    )
    return [candidate for _distance, candidate in sorted((d, c) for c, d, _i in found)]


class Highlighter:
    """Marks the words of a text whose stems the query matched, and cuts a fragment.

    One highlighter serves one search: it remembers each word's verdict (the shown hits repeat
    their words), and without typo tolerance it skips a text that holds none of the query's
    stems, without stemming its words: a Snowball stem only drops endings, so a word whose stem
    matched has that stem inside it, folded.
    """

    def __init__(self, stems, prefixes=(), fuzzy=False):
        self.stems = frozenset(stems)
        self.prefixes = tuple(prefixes)
        self.fuzzy = fuzzy
        self._needles = tuple(self.stems) + self.prefixes
        self._verdicts = {}

    def __bool__(self):
        return bool(self.stems or self.prefixes)

    def matches(self, word):
        verdict = self._verdicts.get(word)
        if verdict is None:
            verdict = self._verdicts[word] = self._matches(word)
        return verdict

    def _matches(self, word):
        folded = fold(word)
        if folded in STOP_WORDS:
            return False
        stemmed = stem(folded)
        if stemmed in self.stems or (self.prefixes and folded.startswith(self.prefixes)):
            return True
        return self.fuzzy and any(
            edit_distance(stemmed, query_stem, fuzziness(query_stem)) <= fuzziness(query_stem)
            for query_stem in self.stems
        )

    def may_match(self, text):
        """False only when no word of text can match: none of the stems (or prefixes) is in
        the text, folded. A typo can be anywhere, and a text that is not in composed form, or
        has a capital sigma (lowered by its context), may fold differently word by word: those
        are always read word by word."""
        if self.fuzzy or "Σ" in text or not unicodedata.is_normalized("NFC", text):
            return True
        folded = text.lower().replace("ё", "е")
        return any(needle in folded for needle in self._needles)

    def spans(self, text):
        if not self.may_match(text):
            return []
        return [m.span() for m in WORD_RE.finditer(text) if self.matches(m.group())]

    def mark(self, text, spans=None):
        """The whole text, escaped, with every matching word in <mark>."""
        spans = self.spans(text) if spans is None else spans
        return mark_safe(self._render(text, spans, 0, len(text)))  # noqa: S308 - escaped

    def fragment(self, text, size=220):
        """A fragment of about size characters around the first match, or None. Words past
        the fragment's end are not looked at."""
        text = " ".join(text.split())
        if not self.may_match(text):
            return None
        found = WORD_RE.finditer(text)
        first_match = next((m for m in found if self.matches(m.group())), None)
        if first_match is None:
            return None
        first = first_match.start()
        start = max(0, first - size // 3)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space != -1 and first - space < size // 2 else start
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > first else end
        inside = []
        for match in itertools.chain([first_match], found):
            a, b = match.span()
            if a >= end:
                break
            if a >= start and b <= end and self.matches(match.group()):
                inside.append((a, b))
        html = self._render(text, inside, start, end)
        prefix = "… " if start else ""
        suffix = " …" if end < len(text) else ""
        return mark_safe(prefix + html + suffix)  # noqa: S308 - every piece is escaped

    @staticmethod
    def _render(text, spans, start, end):
        out, position = [], start
        for a, b in spans:
            out.append(escape(text[position:a]))
            out.append("<mark>" + escape(text[a:b]) + "</mark>")
            position = b
        out.append(escape(text[position:end]))
        return "".join(out)
