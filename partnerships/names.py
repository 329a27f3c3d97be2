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
_BRACKETS_RE = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—―_]+")
_QUOTES_RE = re.compile(r"[«»\"„“”']")


def normalise_name(name):
    """Return the key under which settlements are namesakes.

    Case, ё/е, quotes, bracketed notes, type prefixes («с.», «пос.», «деревня»),
    and runs of spaces and hyphens do not make two names different.
    """
    if not name:
        return ""
    key = name.lower().replace("ё", "е")
    key = _BRACKETS_RE.sub(" ", key)
    key = _QUOTES_RE.sub("", key)
    key = _SEPARATORS_RE.sub(" ", key).strip()
    return _PREFIX_RE.sub("", key, count=1).strip()
