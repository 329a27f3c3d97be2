"""No query string or parameter gives a 500, on any tier; a search engine that is down takes
no page down, and the search page says so and answers from the database."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelsearch.backends import get_search_backend

from partnerships.factories import LibraryFactory
from tests import test_search_support as support
from tests.test_search_support import NIKOLSKAYA, outcome, titles

tier = support.tier
opensearch_indices = support.opensearch_indices
content = support.content

NASTY_QUERIES = [
    "",
    " ",
    "\t\n",
    "а" * 10_000,
    "библиотека " * 2_000,
    '"',
    '""',
    '"незакрытая фраза',
    "«»",
    "'",
    "\\",
    "*",
    "?",
    "~",
    "^2",
    "()",
    "[]{}",
    "NOT",
    "AND OR NOT",
    "title:библиотека",
    "библ* AND -село",
    "+библиотека -село",
    "библиотека~2",
    '"Никольская библиотека"~5',
    "a && b || c",
    "/.*/",
    "field:[* TO *]",
    "'; DROP TABLE wagtailcore_page; --",
    "1' OR '1'='1",
    "%",
    "_",
    "%s %d %(x)s",
    "\x00",
    "библиотека\x00",
    "\x01\x02\x1b[31m",
    "\u202eкетоилбиб",
    "\u200b\u200d\ufeff",
    "📚🦄",
    "библиотека 📚",
    "🏳️‍🌈",
    "e\u0308лка",
    "İİİİİİİİİİİİİİİİİİİİ" * 10,
    "ß" * 150,
    "ﷺ" * 60,
    "<script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "и в на",
    "0",
    "-1",
    "1e308",
]


@pytest.mark.parametrize("query", NASTY_QUERIES, ids=range(len(NASTY_QUERIES)))
def test_nasty_queries_never_fail(client, tier, content, query):
    response = tier.search(client, query)
    assert response.status_code == 200
    assert client.get("/search/suggest/", {"q": query}).status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        "query=%FF%FE%FD",
        "query=%ED%A0%80",
        "query=%C0%AF",
        "query=%00%00",
        "query=%",
        "query=%E0%A4%A",
        "query=a&query=b&query=%D0",
        "query=библиотека&page=%FF",
        "query=библиотека&page=99999999999999999999999",
        "query=библиотека&year=%D9%A3%D9%A3",
        "query=библиотека&cooperation=1e9",
        "query=библиотека&type=" + "x" * 5000,
        "q=%FF&query",
    ],
)
def test_undecodable_query_strings_get_200_or_400(client, tier, content, raw):
    response = client.get("/search/?" + raw)
    assert response.status_code in (200, 400)
    assert client.get("/search/suggest/?" + raw.replace("query=", "q=")).status_code == 200


PARAMETER_NAMES = ["query", "page", "type", "region", "cooperation", "year", "sort", "other"]
VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789-+. eE", max_size=25),
    st.sampled_from(
        ["librarypage", "document", "date", "relevance", "1", "14", "2024", "", "0", "-0"]
    ),
    st.sampled_from(NASTY_QUERIES),
)


def _clean(value):
    # The test client encodes text as UTF-8; lone surrogates cannot be sent at all.
    return value.encode("utf-8", "replace").decode("utf-8")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=st.dictionaries(st.sampled_from(PARAMETER_NAMES), VALUES, max_size=6))
def test_any_parameters_give_200_or_a_clear_400(client, tier, content, params):
    tier.refresh()
    response = client.get("/search/", {name: _clean(value) for name, value in params.items()})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Не удалось понять адрес поиска" in response.content.decode()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.binary(max_size=80))
def test_any_bytes_in_the_query(client, tier, content, raw):
    response = client.get("/search/?query=" + quote(raw, safe=""))
    assert response.status_code == 200
    suggest = client.get("/search/suggest/?q=" + quote(raw, safe=""))
    assert suggest.status_code == 200
    assert "suggestions" in suggest.json()


# --- the engine is down ------------------------------------------------------------------------

CLOSED_PORT_URL = "http://127.0.0.1:9"  # discard: nothing listens, connections are refused


@pytest.fixture
def engine_down(settings, content):
    """OpenSearch configured but unreachable; the database index kept as the fallback."""
    settings.WAGTAILSEARCH_BACKENDS = support.opensearch_backends(
        CLOSED_PORT_URL, "tezki-test-down-", TIMEOUT=2, OPTIONS={"max_retries": 0}
    )
    # The fallback index must hold the content made before the engine was configured.
    database = get_search_backend("database")
    for page in [*content["villages"], *content["libraries"], *content["events"]]:
        database.add(page.specific)
    return settings


def test_search_falls_back_to_the_database_and_says_so(client, engine_down):
    response = client.get("/search/", {"query": "библиотеки Никольского"})
    assert response.status_code == 200
    assert outcome(response).degraded
    assert NIKOLSKAYA in titles(response)
    assert "Поисковая служба сейчас не отвечает" in response.content.decode()


def test_suggestions_fall_back_to_the_database(client, engine_down):
    response = client.get("/search/suggest/", {"q": "нико"})
    assert response.status_code == 200
    assert "Никольское (Белгородская область)" in {
        item["title"] for item in response.json()["suggestions"]
    }


def test_every_page_is_served_and_editing_works_while_the_engine_is_down(
    client, engine_down, content
):
    pages = [
        *content["villages"],
        *content["libraries"],
        *content["events"],
        content["cooperation"],
        content["publication"],
    ]
    for page in pages:
        assert client.get(page.url).status_code == 200, page.url
    assert client.get("/").status_code == 200
    # Publishing still works: the engine's indexing errors are logged, not raised.
    library = LibraryFactory(parent=content["villages"][1], title="Библиотека-новосёл")
    library.save_revision().publish()
    assert client.get(library.url).status_code == 200
    found = titles(client.get("/search/", {"query": "новосёл"}))
    assert found == ["Библиотека-новосёл"]


def test_without_a_fallback_the_search_page_apologises(client, settings, content):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": support.opensearch_backends(
            CLOSED_PORT_URL, "tezki-test-down-", TIMEOUT=2, OPTIONS={"max_retries": 0}
        )["default"]
    }
    response = client.get("/search/", {"query": "библиотека"})
    assert response.status_code == 200
    assert "Поиск сейчас недоступен" in response.content.decode()
    suggest = client.get("/search/suggest/", {"q": "библ"})
    assert suggest.status_code == 200
    assert suggest.json()["suggestions"] == []
    assert client.get(content["libraries"][0].url).status_code == 200
