"""The normalised name decides which settlements are namesakes, so it must be exact both ways."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerships.names import normalise_name


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Никольское", "никольское"),
        ("НИКОЛЬСКОЕ", "никольское"),
        ("никольское", "никольское"),
        ("Ёлкино", "елкино"),
        ("Елкино", "елкино"),
        ("Алексеёвка", "алексеевка"),
    ],
)
def test_case_and_yo_do_not_matter(written, key):
    assert normalise_name(written) == key


@pytest.mark.parametrize(
    "written",
    [
        "с. Никольское",
        "с.Никольское",
        "С. Никольское",
        "с Никольское",
        "село Никольское",
        "Село Никольское",
        "пос. Никольское",
        "посёлок Никольское",
        "поселок Никольское",
        "п. Никольское",
        "пгт Никольское",
        "деревня Никольское",
        "д. Никольское",
        "дер. Никольское",
        "хутор Никольское",
        "х. Никольское",
        "г. Никольское",
        "станица Никольское",
        "сл. Никольское",
        "посёлок городского типа Никольское",
    ],
)
def test_type_prefixes_are_dropped(written):
    assert normalise_name(written) == "никольское"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Ново-Никольское", "ново никольское"),
        ("Ново Никольское", "ново никольское"),
        ("Ново — Никольское", "ново никольское"),
        ("Ново–Никольское", "ново никольское"),
        ("  Ново   Никольское  ", "ново никольское"),
        ("Ново -  Никольское", "ново никольское"),
    ],
)
def test_hyphens_dashes_and_spaces_are_one_separator(written, key):
    assert normalise_name(written) == key


@pytest.mark.parametrize(
    "written",
    [
        "Никольское (Белгородский район)",
        "Никольское [бывш. Никольская слобода]",
        "с. Никольское (Валуйский р-н)",
    ],
)
def test_bracketed_notes_are_dropped(written):
    assert normalise_name(written) == "никольское"


@pytest.mark.parametrize(
    "written", ["«Никольское»", '"Никольское"', "„Никольское“", "'Никольское'"]
)
def test_quotes_are_dropped(written):
    assert normalise_name(written) == "никольское"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # Names that begin with the letters of a type prefix are names, not prefixes.
        ("Слободка", "слободка"),
        ("Городище", "городище"),
        ("Сосновка", "сосновка"),
        ("Посёлки", "поселки"),
        ("Селище", "селище"),
        ("Хуторское", "хуторское"),
        ("Деревенька", "деревенька"),
        ("Дубовое", "дубовое"),
        ("Гостищево", "гостищево"),
        ("Пятницкое", "пятницкое"),
        ("Старый Оскол", "старый оскол"),
        # A type word alone is the whole name.
        ("Хутор", "хутор"),
        ("Слобода", "слобода"),
    ],
)
def test_names_that_look_like_prefixes_are_kept(name, key):
    assert normalise_name(name) == key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Никольское", "Никольская"),
        ("Никольское", "Ново-Никольское"),
        ("Алексеевка", "Алексеевское"),
        ("Сосновка", "Сосновское"),
    ],
)
def test_different_names_stay_different(one, other):
    assert normalise_name(one) != normalise_name(other)


@pytest.mark.parametrize("empty", ["", None, "   ", "()", "«»"])
def test_empty_names_give_an_empty_key(empty):
    assert normalise_name(empty) == ""


cyrillic_names = st.text(
    alphabet=st.sampled_from("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЫЭЮЯ -."),
    max_size=40,
)


@given(cyrillic_names)
def test_key_is_lower_case_without_yo_and_single_spaced(name):
    key = normalise_name(name)
    assert key == key.lower()
    assert "ё" not in key
    assert key == key.strip()
    assert "  " not in key
    assert "-" not in key


@given(cyrillic_names)
def test_key_does_not_depend_on_case_or_yo(name):
    assert normalise_name(name.upper()) == normalise_name(name)
    assert normalise_name(name.replace("е", "ё")) == normalise_name(name)


@pytest.mark.parametrize("name", ["Нико\x00льское", "\x07Никольское\x1b", "Никольское\x7f"])
def test_control_characters_are_dropped(name):
    """They are never part of a name; PostgreSQL refuses NUL in a query parameter."""
    assert normalise_name(name) == "никольское"
