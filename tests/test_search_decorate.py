"""What a hit shows, made cheaper without changing it: the highlighter skips texts that cannot
match and stops at the fragment's end, and a page's texts are read only up to the first match."""

import pytest

from search.russian import Highlighter, analyse, fold, stem
from search.service import first_fragment, plain_summary


class ReadsEveryWord(Highlighter):
    """The highlighter without its shortcut: every text is read word by word."""

    def may_match(self, text):
        return True


class RecordsWords(Highlighter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.looked_at = []

    def _matches(self, word):
        self.looked_at.append(word)
        return super()._matches(word)


TEXTS = [
    "Клуб любителей чтения собирается по средам.",
    "Ёлка в БИБЛИОТЕКЕ: «Ёлочные игрушки своими руками» — для детей & взрослых",
    "Е\u0308лка и библиоте\u0301ки",  # a decomposed «ё» and a stress mark
    "x \uf900 y",  # a compatibility ideograph: not in composed form
    "ΟΔΟΣ'Α и ΟΔΟΣ",  # a capital sigma lowers by its context
    "слово " * 80 + "в библиотеках села есть ёлки " + "слово " * 80 + "библиотека",
    "",
]
QUERIES = ["библиотека", "ёлка", "елки чтение", "Никольское", "\u8c48", "οδος", "и"]


@pytest.mark.parametrize("fuzzy", [False, True])
@pytest.mark.parametrize("query", QUERIES)
def test_the_shortcut_never_changes_marks_or_fragments(query, fuzzy):
    fast = Highlighter(analyse(query), fuzzy=fuzzy)
    reference = ReadsEveryWord(analyse(query), fuzzy=fuzzy)
    for text in TEXTS:
        assert fast.mark(text) == reference.mark(text)
        assert fast.fragment(text, size=80) == reference.fragment(text, size=80)


def test_a_text_without_the_stems_is_not_read_word_by_word():
    highlighter = RecordsWords(analyse("библиотеки"))
    assert highlighter.fragment("Клуб любителей чтения собирается по средам.") is None
    assert highlighter.mark("Клуб любителей чтения") == "Клуб любителей чтения"
    assert highlighter.looked_at == []
    assert "<mark>БИБЛИОТЕКОЙ</mark>" in highlighter.fragment("Перед БИБЛИОТЕКОЙ клуб")


def test_texts_that_fold_differently_word_by_word_are_read_word_by_word():
    assert "<mark>\uf900</mark>" in Highlighter(analyse("\u8c48")).mark("x \uf900 y")
    assert Highlighter(analyse("οδος")).mark("ΟΔΟΣ'Α") == "<mark>ΟΔΟΣ</mark>&#x27;Α"


def test_typos_are_looked_for_in_every_text():
    highlighter = Highlighter(analyse("библиатека"), fuzzy=True)
    assert "<mark>библиотеке</mark>" in highlighter.fragment("Встреча в библиотеке")


def test_words_past_the_fragment_are_not_looked_at():
    highlighter = RecordsWords(analyse("библиотека"))
    text = "начало в библиотеке " + "слово " * 60 + "хвост библиотеки"
    fragment = highlighter.fragment(text, size=80)
    assert "<mark>библиотеке</mark>" in fragment
    assert fragment.endswith(" …")
    assert "начало" in highlighter.looked_at
    assert "хвост" not in highlighter.looked_at


def test_each_word_is_stemmed_once_per_search():
    highlighter = RecordsWords(analyse("ёлка"))
    highlighter.mark("Ёлка, ёлка, ёлка и праздник")
    highlighter.mark("Ёлка и праздник")
    assert highlighter.looked_at.count("Ёлка") == 1
    assert highlighter.looked_at.count("праздник") == 1


@pytest.mark.parametrize(
    "word",
    [
        "библиотеками",
        "Никольском",
        "ёлочками",
        "читающая",
        "рассмотренных",
        "прекраснейшие",
        "бегаешь",
        "стоимостью",
        "постановлением",
        "Ивановка",
        "конференциях",
        "волонтёрами",
    ],
)
def test_a_stem_is_the_start_of_its_folded_word(word):
    # The shortcut relies on it: the Snowball Russian stemmer only drops endings.
    assert fold(word).startswith(stem(fold(word)))


def test_texts_are_read_only_up_to_the_first_match():
    read = []

    def texts():
        for text in ["Описание без совпадений", "Вступление о библиотеке", "Тело"]:
            read.append(text)
            yield text

    fragment, texts_read = first_fragment(Highlighter(analyse("библиотека")), texts())
    assert "<mark>библиотеке</mark>" in fragment
    assert texts_read == read == ["Описание без совпадений", "Вступление о библиотеке"]


def test_without_a_match_the_summary_comes_from_every_text_read():
    fragment, texts_read = first_fragment(
        Highlighter(analyse("библиотека")), iter(["", "  Клуб   любителей  чтения  "])
    )
    assert fragment is None
    assert texts_read == ["", "  Клуб   любителей  чтения  "]
    assert plain_summary(texts_read) == "Клуб любителей чтения"
