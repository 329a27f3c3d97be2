"""The one normalisation of settlement names: what makes two settlements namesakes."""

import re

# Type prefixes as they are written before a settlement's name: «с. Никольское»,
# «пос. Октябрьский», «деревня Ивановка». Longer forms first.
_TYPE_PREFIXES = (
    "посёлок городского типа",
    "поселок городского типа",
    "рабочий посёлок",
    "рабочий поселок",
    "городской посёлок",
    "городской поселок",
    "посёлок",
    "поселок",
    "деревня",
    "станица",
    "слобода",
    "хутор",
    "город",
    "село",
    "аул",
    "пгт",
    "рп",
    "р. п",
    "р.п",
    "пос",
    "дер",
    "ст-ца",
    "сл",
    "ст",
    "г",
    "с",
    "п",
    "д",
    "х",
)
_PREFIX_RE = re.compile(
    r"^(?:"
    + "|".join(re.escape(p) for p in _TYPE_PREFIXES)
    # a full word is followed by a space; an abbreviation by a dot (and maybe a space)
    + r")(?:\.\s*|\s+)(?=\S)"
)
# A distance mark in brackets is part of the name: «Починок (5км)» and «Починок (7км)» are two
# villages under one OKTMO code in the gazetteer, as «Дома 1189 км» is written without brackets.
_DISTANCE_IN_BRACKETS_RE = re.compile(r"[\(\[]\s*(\d+\s*км)\s*[\)\]]")
_BRACKETS_RE = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_QUOTES_RE = re.compile(r"[«»\"„“”']")
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—―_]+")
# After the prefix is gone, dots and commas only separate words: «В.И. Ленина», «им.Ленина».
_PUNCTUATION_RE = re.compile(r"[.,]")
_ABBREVIATIONS_RE = re.compile(r"(?<!\S)им\.\s*")
_NUMBER_SIGN_RE = re.compile(r"№\s*")
_DIGITS_AND_LETTERS_RE = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
# Latin letters that look Cyrillic, typed by mistake inside Cyrillic words («Кcтининский»).
_LATIN_LOOKALIKES = str.maketrans("aceopxyk", "асеорхук")
_CYRILLIC_RE = re.compile(r"[а-я]")
# Most names are one plain word: nothing to do beyond case and ё.
_PLAIN_WORD_RE = re.compile(r"[а-я]+")


def _fold_lookalikes(word):
    return word.translate(_LATIN_LOOKALIKES) if _CYRILLIC_RE.search(word) else word


# Control characters are never part of a name (and PostgreSQL refuses NUL in text).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalise_name(name):
    """Return the key under which settlements are namesakes.

    Case, ё/е, quotes, bracketed notes, type prefixes («с.», «пос.», «деревня»),
    runs of spaces, hyphens and dots, «им.»/«имени», «№5»/«№ 5» and Latin lookalike
    letters do not make two names different; a distance in brackets («(5 км)») does.
    """
    if not name:
        return ""
    key = _CONTROL_RE.sub("", name).lower().replace("ё", "е")
    if _PLAIN_WORD_RE.fullmatch(key):
        return key
    key = _DISTANCE_IN_BRACKETS_RE.sub(r" \1 ", key)
    key = _BRACKETS_RE.sub(" ", key)
    key = _QUOTES_RE.sub("", key)
    key = _SEPARATORS_RE.sub(" ", key).strip()
    key = _PREFIX_RE.sub("", key, count=1)
    key = _ABBREVIATIONS_RE.sub("имени ", key)
    key = _NUMBER_SIGN_RE.sub("№ ", key)
    key = _PUNCTUATION_RE.sub(" ", key)
    key = _DIGITS_AND_LETTERS_RE.sub(" ", key)
    return " ".join(_fold_lookalikes(word) for word in key.split())
