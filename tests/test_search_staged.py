"""The embedded tier at scale: ranking in stages, and the planner statistics it relies on.

At the benchmark's size a common word matches most of the index; the SQLite backend then ranks
the titles that contain the query first and stops there when they are enough (see
search.backends.sqlite_russian.RussianSQLiteSearchQueryCompiler.ranked_ids). Here the
thresholds are lowered so that a handful of pages behave like thirty thousand.
"""

from datetime import timedelta

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from modelsearch.backends import get_search_backend
from wagtail.models import Page

from partnerships.factories import EventFactory
from partnerships.setup import refresh_planner_statistics
from search import service
from search.query import SearchParams, parse_query

if connection.vendor != "sqlite":
    # The SQLite backend's models exist only on SQLite: not even importable elsewhere.
    pytest.skip("the staged ranking and these statistics are SQLite's", allow_module_level=True)

from search.backends import sqlite_russian

WORD = "волонтёры"


@pytest.fixture
def backend(settings):
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.sqlite_russian"}}
    sqlite_russian._index_terms.clear()
    yield get_search_backend("default")
    sqlite_russian._index_terms.clear()


@pytest.fixture
def at_scale(monkeypatch):
    """Thresholds as if the handful of matches below were thousands."""
    monkeypatch.setattr(sqlite_russian, "STAGED_FROM", 2)
    monkeypatch.setattr(sqlite_russian, "TITLE_HITS_ENOUGH", 2)


@pytest.fixture
def events(cooperation):
    def event(title, intro, days, live=True):
        page = EventFactory(
            parent=cooperation.page,
            title=title,
            intro=intro,
            starts_at=timezone.now() - timedelta(days=days),
        )
        if not live:
            page.unpublish()
        return page

    return {
        # Say the word often in their text, not in their titles: bm25 ranks them high.
        "body": [
            event(f"Отчёт {n}", " ".join([WORD] * 12) + " помогали весь день.", 10 + n)
            for n in range(3)
        ],
        "titled": [
            event(f"{WORD.capitalize()} в библиотеке {n}", "Встреча и чаепитие.", 20 + n)
            for n in range(2)
        ],
    }


def ranked(backend, limit=10):
    return backend.search(WORD, Page.objects.live(), operator=None)[:limit].pks()


def test_few_matches_are_ranked_at_once_by_bm25(backend, events):
    found = ranked(backend)
    assert set(found) == {page.pk for group in events.values() for page in group}
    assert found.more is False
    # The texts that repeat the word outrank a single mention in a title.
    assert found[0] in {page.pk for page in events["body"]}


def test_many_matches_show_the_titled_ones_and_say_there_are_more(backend, at_scale, events):
    found = ranked(backend)
    assert set(found) == {page.pk for page in events["titled"]}
    assert found.more is True


def test_titles_that_are_not_enough_are_followed_by_the_rest(backend, monkeypatch, events):
    monkeypatch.setattr(sqlite_russian, "STAGED_FROM", 2)
    monkeypatch.setattr(sqlite_russian, "TITLE_HITS_ENOUGH", 3)
    found = ranked(backend)
    titled = {page.pk for page in events["titled"]}
    assert set(found[:2]) == titled
    assert set(found[2:]) == {page.pk for page in events["body"]}
    assert found.more is False


def test_drafts_ranked_first_do_not_crowd_out_the_live_page(backend, cooperation):
    """The best candidates are read before the live filter: when it rejects them all, every
    match is read."""
    for n in range(4):
        EventFactory(parent=cooperation.page, title=f"{WORD} {WORD} {n}", intro=WORD).unpublish()
    live = EventFactory(parent=cooperation.page, title="Отчёт", intro=f"Спасибо: {WORD}.")
    assert list(ranked(backend, limit=1)) == [live.pk]


def test_documents_are_ranked_with_the_pages(backend, events):
    document = wagtail_factories.DocumentFactory(title=f"{WORD.capitalize()}: памятка")
    documents = type(document).objects.all()
    assert list(backend.search(WORD, documents, operator=None)[:10].pks()) == [document.pk]


def test_the_search_page_says_more_matched_than_it_shows(backend, at_scale, events):
    outcome = service.HubSearch(alias="default").run(SearchParams(query=parse_query(WORD)))
    assert outcome.capped is True
    assert {hit.pk for hit in outcome.hits} == {page.pk for page in events["titled"]}


def test_an_empty_table_is_not_planned_as_a_large_one(hub):
    """ANALYZE records nothing for an empty table; without a figure SQLite guessed the empty
    view restrictions large and, at 30,000 pages, scanned every page to join them in
    Page.objects.public() (14 ms on each search)."""
    refresh_planner_statistics()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'wagtailcore_pageviewrestriction'"
        )
        assert cursor.fetchall() == [("1",)]
        # The pages as many as the benchmark's, as ANALYZE would have counted them there.
        cursor.execute(
            "UPDATE sqlite_stat1 SET stat = '30000' || substr(stat, instr(stat || ' ', ' ')) "
            "WHERE tbl = 'wagtailcore_page'"
        )
        cursor.execute("ANALYZE sqlite_schema")
    with CaptureQueriesContext(connection) as captured:
        list(Page.objects.live().public()[:1])
    sql = next(q["sql"] for q in captured.captured_queries if "pageviewrestriction" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert plan.startswith("SCAN wagtailcore_pageviewrestriction"), plan
    assert "SCAN wagtailcore_page " not in plan + " ", plan
