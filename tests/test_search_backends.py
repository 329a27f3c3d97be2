"""The pieces under the search page: Russian text, query parsing, each tier's index, settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import QueryDict
from modelsearch.backends import get_search_backend
from modelsearch.query import And, Fuzzy, Or, Phrase, PlainText
from wagtail.models import Locale

from search import spelling
from search.facets import type_labels
from search.query import MAX_QUERY_LENGTH, ParamsError, parse_query, read_params
from search.russian import Highlighter, analyse, edit_distance, fold, words
from tests import test_search_support as support

tier = support.tier
opensearch_indices = support.opensearch_indices
content = support.content
ROOT = Path(__file__).resolve().parent.parent

# --- Russian text ------------------------------------------------------------------------------


def test_fold_lowers_and_folds_yo_including_a_decomposed_one():
    assert fold("Ёлка") == "елка"
    assert fold("е\u0308лка") == "елка"


@pytest.mark.parametrize(
    ("text", "stems"),
    [
        ("библиотека библиотеки библиотекой", ["библиотек"] * 3),
        ("Никольское Никольском Никольского", ["никольск"] * 3),
        ("ёлка елка Ёлки", ["елк"] * 3),
        ("библиотека в селе", ["библиотек", "сел"]),
        ("и в на", []),
    ],
)
def test_analyse_folds_drops_stop_words_and_stems(text, stems):
    assert analyse(text) == stems


def test_words_split_on_anything_but_letters_and_digits():
    assert words("«Ёлка»-2024_год: 📚 snake_case") == ["елка", "2024", "год", "snake", "case"]


@pytest.mark.parametrize(
    ("a", "b", "limit", "distance"),
    [("библиотека", "библиатека", 2, 1), ("семинар", "семенар", 2, 1), ("кот", "собака", 1, 2)],
)
def test_edit_distance_stops_past_the_limit(a, b, limit, distance):
    assert edit_distance(a, b, limit) == distance


def test_highlighter_marks_word_forms_and_escapes():
    highlighter = Highlighter(analyse("библиотеки"))
    assert highlighter.mark("<b>Библиотекой</b> & клуб") == (
        "&lt;b&gt;<mark>Библиотекой</mark>&lt;/b&gt; &amp; клуб"
    )
    long_text = "слово " * 100 + "в библиотеке есть клуб " + "слово " * 100
    fragment = highlighter.fragment(long_text, size=80)
    assert "<mark>библиотеке</mark>" in fragment
    assert fragment.startswith("… ") and fragment.endswith(" …")
    assert len(fragment) < 140
    assert highlighter.fragment("ничего нет") is None


# --- what a reader typed -----------------------------------------------------------------------


def test_parse_query_keeps_words_and_phrases_only():
    parsed = parse_query('  библиотека «Никольские встречи» "село" AND title:x* \x00 📚 ')
    assert parsed.words == ["библиотека", "AND", "title", "x"]
    assert parsed.phrases == ["Никольские встречи", "село"]


def test_parse_query_cuts_long_queries():
    parsed = parse_query("слово " * 500)
    assert parsed.truncated
    assert len(parsed.text) <= MAX_QUERY_LENGTH
    assert len(parsed.words) == 12


def test_engine_query_per_mode():
    parsed = parse_query('библиотеки Никольского "краеведческий фонд"')
    exact = parsed.engine_query("exact")
    assert isinstance(exact, And)
    main, phrase = exact.subqueries
    # «библиотеки» names a type: the content is «Никольского», a page with both ranks higher.
    assert isinstance(main, Or)
    assert [q.query_string for q in main.subqueries] == [
        "Никольского",
        "библиотеки Никольского",
    ]
    assert isinstance(phrase, Phrase)
    fuzzy = parsed.engine_query("fuzzy")
    assert isinstance(fuzzy, Fuzzy)
    assert fuzzy.query_string == "Никольского краеведческий фонд"
    any_word = parsed.engine_query("any")
    assert isinstance(any_word, Or)
    assert all(isinstance(q, PlainText) and q.operator == "or" for q in any_word.subqueries)
    assert parse_query("и в на").engine_query("fuzzy") is None


def test_type_and_kind_hints():
    assert parse_query("библиотеки и мероприятия Покровки").type_hints() == [
        "librarypage",
        "eventpage",
    ]
    assert parse_query("семинары").kind_hints() == ["seminar"]
    assert parse_query("встреча с автором").kind_hints() == ["reading"]
    assert parse_query("семинары").only_names_kinds()
    assert not parse_query("семинар в Покровке").only_names_kinds()


def test_read_params_accepts_good_values():
    params = read_params(
        QueryDict("query=ёлка&type=eventpage&region=14&cooperation=7&year=2024&sort=date&page=3"),
        type_labels(),
    )
    assert params.filters == {"type": "eventpage", "region": "14", "cooperation": 7, "year": 2024}
    assert (params.sort, params.page) == ("date", 3)


@pytest.mark.parametrize(
    "raw",
    ["page=0", "page=-2", "page=1.5", "page=٣", "year=1899", "region=1234", "cooperation=x"],
)
def test_read_params_refuses_bad_values(raw):
    with pytest.raises(ParamsError):
        read_params(QueryDict(raw), type_labels())


# --- each tier's index holds Russian stems with ё folded -----------------------------------------


def test_the_index_holds_folded_russian_stems(tier, content):
    tier.refresh()
    backend = get_search_backend("default")
    if tier.name == "opensearch":
        index = backend.get_index_for_model(type(content["events"][0])).name
        for analyzer in ("default", "edgengram_analyzer", "autocomplete_search"):
            tokens = backend.es.indices.analyze(
                index=index, body={"analyzer": analyzer, "text": "Ёлки"}
            )["tokens"]
            assert all("ё" not in token["token"] for token in tokens), analyzer
        tokens = backend.es.indices.analyze(
            index=index, body={"analyzer": "default", "text": "Ёлки в библиотеках"}
        )["tokens"]
        assert [token["token"] for token in tokens] == ["елк", "библиотек"]
        return
    from wagtail.search.models import IndexEntry

    entry = IndexEntry.objects.get(object_id=str(content["events"][0].pk))
    if tier.name == "sqlite":
        assert entry.title.split() == ["новогодн", "елк", "библиотек"]
        assert "ёлка" not in entry.autocomplete and "елка" in entry.autocomplete.split()
    else:
        assert "'елк':" in str(entry.title) and "'библиотек':" in str(entry.title)
        assert "'елка':" in str(entry.autocomplete)


def test_autocomplete_backend_folds_yo(tier, content):
    tier.refresh()
    backend = get_search_backend("default")
    pages = type(content["events"][0]).objects.live()
    for typed in ("ёлк", "елк", "Ёлк"):
        found = {page.title for page in backend.autocomplete(typed, pages)}
        assert {support.YOLKA, support.ELKA} <= found, typed


def test_spelling_suggestion_from_the_hub_words(tier, content):
    locale = Locale.get_default()
    assert spelling.suggest(["библиатека", "Никольская"], locale) == "библиотека Никольская"
    assert spelling.suggest(["библиотека"], locale) is None
    assert spelling.names_only(analyse("в Никольском"), locale)
    assert not spelling.names_only(analyse("Никольская библиотека"), locale)


# --- the settings choose the tier from the environment -----------------------------------------


def settings_backends(**env):
    clean = {k: v for k, v in os.environ.items() if not k.endswith(("_URL", "_VERSION"))}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, config.settings.base as b; print(json.dumps(b.WAGTAILSEARCH_BACKENDS))",
        ],
        env={**clean, "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_settings_default_to_the_embedded_sqlite_tier():
    assert settings_backends() == {"default": {"BACKEND": "search.backends.sqlite_russian"}}


def test_settings_use_postgresql_russian_with_a_postgres_database():
    backends = settings_backends(DATABASE_URL="postgres://u:p@127.0.0.1:5432/db")
    assert backends == {
        "default": {"BACKEND": "search.backends.postgres_russian", "SEARCH_CONFIG": "russian"}
    }


def test_settings_put_opensearch_first_and_keep_the_database_as_fallback():
    backends = settings_backends(
        OPENSEARCH_URL="http://a:9200, http://b:9200", SEARCH_INDEX_PREFIX="site-"
    )
    assert backends["default"]["BACKEND"] == "search.backends.opensearch2"
    assert backends["default"]["URLS"] == ["http://a:9200", "http://b:9200"]
    assert backends["default"]["INDEX_PREFIX"] == "site-"
    assert backends["database"] == {"BACKEND": "search.backends.sqlite_russian"}


@pytest.mark.parametrize("version", ["8", "9"])
def test_settings_switch_to_elasticsearch(version):
    backends = settings_backends(
        ELASTICSEARCH_URL="https://user:secret@es.example.org:9243",
        ELASTICSEARCH_VERSION=version,
    )
    assert backends["default"]["BACKEND"] == f"search.backends.elasticsearch{version}"
    assert backends["default"]["URLS"] == ["https://user:secret@es.example.org:9243"]


def test_settings_refuse_an_unsupported_elasticsearch_version():
    with pytest.raises(subprocess.CalledProcessError) as error:
        settings_backends(ELASTICSEARCH_URL="http://es:9200", ELASTICSEARCH_VERSION="7")
    assert "ELASTICSEARCH_VERSION" in error.value.stderr
