"""What a reader typed, made safe for every engine, and the request's other parameters.

Only words (letters and digits) and quoted phrases reach an engine: quotes, operators, SQL,
Lucene syntax, emoji and control characters are dropped here, so that no query string can
break a MATCH expression, a tsquery or a query DSL.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from modelsearch.query import And, Fuzzy, Or, Phrase, PlainText

from search.russian import STOP_WORDS, WORD_RE, analyse, fold, stem

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
MAX_PAGE = 10_000
YEAR_RANGE = (1900, 2100)
SORTS = ("relevance", "date")

PHRASE_RE = re.compile(r'"([^"]*)"|«([^»]*)»|„([^“”]*)[“”]')

# Words that name a kind of material: «библиотеки Никольского» asks for libraries, not for
# every page that mentions both words. Stems → result type keys (see search.facets).
TYPE_WORDS = {
    "библиотек": "librarypage",
    "содружеств": "cooperationpage",
    "мероприят": "eventpage",
    "событ": "eventpage",
    "издан": "publicationpage",
    "публикац": "publicationpage",
    "программ": "programpage",
    "проект": "programpage",
    "план": "workplanpage",
    "хроник": "chroniclepage",
    "новост": "chroniclepage",
    "сел": "settlementpage",
    "деревн": "settlementpage",
    "поселок": "settlementpage",
    "город": "settlementpage",
    "документ": "document",
    "файл": "document",
}

# Event kinds (partnerships.choices.EventKind) by the stems that name them; a kind matches when
# the query holds every stem of one of its alternatives.
KIND_WORDS = {
    "seminar": [{"семинар"}],
    "conference": [{"конференц"}],
    "discussion": [{"дискусс"}],
    "research": [{"исследован"}],
    "staff_training": [{"обучен", "персона"}],
    "cultural": [{"культурн"}],
    "exhibition": [{"выставк"}],
    "reading": [{"чтен"}, {"встреч", "автор"}],
}


class ParamsError(ValueError):
    """A request parameter that cannot be understood; the page answers 400 with the message."""


def clean_text(raw):
    """NFC, no control or format characters, single spaces, at most MAX_QUERY_LENGTH."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"} else char
        for char in text
    )
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip(), len(text) > MAX_QUERY_LENGTH


def _words(text):
    return WORD_RE.findall(text)


@dataclass
class ParsedQuery:
    text: str = ""
    words: list = field(default_factory=list)
    phrases: list = field(default_factory=list)
    truncated: bool = False

    def __bool__(self):
        return bool(self.words or self.phrases)

    @property
    def all_words(self):
        return self.words + [word for phrase in self.phrases for word in _words(phrase)]

    @property
    def stems(self):
        return [s for word in self.all_words for s in analyse(word)]

    def type_hints(self):
        """Result types named by the query's words, in the order they were typed."""
        hints = []
        for word in self.all_words:
            key = TYPE_WORDS.get(stem(fold(word)))
            if key and key not in hints:
                hints.append(key)
        return hints

    def kind_hints(self):
        """Event kinds the query names, e.g. «семинары» → seminar."""
        stems = set(self.stems)
        return [
            kind
            for kind, alternatives in KIND_WORDS.items()
            if any(alternative <= stems for alternative in alternatives)
        ]

    def only_names_kinds(self):
        """True when every word of the query names a kind or a type: «семинары», «выставки»."""
        kind_stems = {s for alternatives in KIND_WORDS.values() for a in alternatives for s in a}
        stems = set(self.stems)
        return bool(stems) and not self.phrases and stems <= kind_stems | set(TYPE_WORDS)

    def content_words(self):
        """The words left when type words are taken out, or all words if none would be left."""
        rest = [word for word in self.words if stem(fold(word)) not in TYPE_WORDS]
        return rest if (rest or self.phrases) else list(self.words)

    def content_stems(self):
        return [s for word in self.content_words() for s in analyse(word)]

    def engine_query(self, mode="exact"):
        """The modelsearch query for a mode: exact (all words), fuzzy (typos) or any word.

        Type words taken out of the query still count: a page that has them ranks higher.
        Fuzzy is one query over every word, as PostgreSQL accepts it only at the top.
        """
        words = self.content_words()
        if mode == "fuzzy":
            # Typos are looked for in real words only: stop words and one- or two-letter
            # words would match almost anything.
            words = [
                word
                for word in words + [w for phrase in self.phrases for w in _words(phrase)]
                if len(word) >= 3 and fold(word) not in STOP_WORDS
            ]
            return Fuzzy(" ".join(words), operator="and") if words else None
        operator = "or" if mode == "any" else "and"
        parts = []
        if words:
            main = PlainText(" ".join(words), operator=operator)
            if mode == "exact" and len(words) < len(self.words):
                main = Or([main, PlainText(" ".join(self.words), operator="and")])
            parts.append(main)
        if mode == "exact":
            parts.extend(Phrase(phrase) for phrase in self.phrases)
        elif self.phrases:
            parts.append(PlainText(" ".join(self.phrases), operator=operator))
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return Or(parts) if mode == "any" else And(parts)


def highlight_query(parsed):
    """Any of the query's words, type words included: what the engine should mark."""
    text = " ".join(parsed.all_words)
    return PlainText(text, operator="or") if text else None


def parse_query(raw):
    text, truncated = clean_text(raw or "")
    phrases = []
    for match in PHRASE_RE.finditer(text):
        inner = " ".join(_words(next(group for group in match.groups() if group is not None)))
        if inner:
            phrases.append(inner)
    rest = PHRASE_RE.sub(" ", text)
    words = _words(rest)[:MAX_WORDS]
    phrases = phrases[:MAX_WORDS]
    return ParsedQuery(text=text, words=words, phrases=phrases, truncated=truncated)


@dataclass
class SearchParams:
    query: ParsedQuery
    type: str = ""
    region: str = ""
    cooperation: int | None = None
    year: int | None = None
    sort: str = "relevance"
    page: int = 1

    @property
    def filters(self):
        return {
            name: value
            for name, value in (
                ("type", self.type),
                ("region", self.region),
                ("cooperation", self.cooperation),
                ("year", self.year),
            )
            if value not in ("", None)
        }


def _int(value, low, high, message):
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise ParamsError(message)
    number = int(value)
    if not low <= number <= high:
        raise ParamsError(message)
    return number


def read_params(data, type_keys):
    """SearchParams from a QueryDict; raises ParamsError with a message for the reader."""
    params = SearchParams(query=parse_query(data.get("query", "")))
    kind = data.get("type", "").strip()
    if kind:
        if kind not in type_keys:
            raise ParamsError(_("Такого вида материалов на сайте нет."))
        params.type = kind
    region = data.get("region", "").strip()
    if region:
        if not (region.isascii() and region.isdigit() and len(region) <= 3):
            raise ParamsError(_("Регион указывается кодом ОКТМО из одной–трёх цифр."))
        params.region = region
    cooperation = data.get("cooperation", "")
    if cooperation.strip():
        params.cooperation = _int(
            cooperation, 1, 2**31 - 1, _("Содружество указывается номером страницы.")
        )
    year = data.get("year", "")
    if year.strip():
        params.year = _int(
            year,
            *YEAR_RANGE,
            _("Год указывается четырьмя цифрами, от %(low)s до %(high)s.")
            % {"low": YEAR_RANGE[0], "high": YEAR_RANGE[1]},
        )
    sort = data.get("sort", "").strip()
    if sort:
        if sort not in SORTS:
            raise ParamsError(_("Сортировать можно по релевантности или по дате."))
        params.sort = sort
    page = data.get("page", "")
    if page.strip():
        params.page = _int(
            page,
            1,
            MAX_PAGE,
            _("Номер страницы — целое число от 1 до %(max)s.") % {"max": MAX_PAGE},
        )
    return params
