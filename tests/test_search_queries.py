"""The search page costs a bounded number of SQL queries, the same for a few results as for many.

Results of every page type and documents, with facets of every kind (type, region, cooperation,
year), a spelling suggestion and an editor's promotion: each is read in one query per type or
per facet, never one per result. Runs on the run's database tier (SQLite, or PostgreSQL when
the suite runs with DATABASE_URL=postgres://… as CI does).
"""

from datetime import date, datetime, timedelta

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from partnerships.factories import (
    ChronicleFactory,
    CooperationFactory,
    EventFactory,
    LibraryFactory,
    ProgramFactory,
    PublicationFactory,
    SettlementFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from partnerships.models import Region

MAX_QUERIES = 20
FEW, MANY = 3, 12
WORD = "краеведение"


@pytest.fixture(autouse=True)
def no_rendition_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


def regions(count):
    return list(Region.objects.exclude(code="14").order_by("code")[:count])


def add_content(start, count):
    """`count` cooperations, each with a settlement, a library and one page of every joint
    type that mention WORD, in its own region and year; and `count` documents."""
    for index in range(start, start + count):
        region = regions(start + count)[index]
        name = f"Тёзкино-{index:02d}"
        settlement = SettlementFactory(
            name=name,
            title=f"{name} ({region.name})",
            region=region,
            intro=f"Село, где любят {WORD}.",
        )
        library = LibraryFactory(
            parent=settlement,
            title=f"Библиотека «{name}»",
            intro=f"Клуб «{WORD.capitalize()}» при библиотеке.",
        )
        cooperation = CooperationFactory(
            settlement_name=name,
            title=f"Содружество «{name}»",
            intro=f"Общее {WORD} библиотек.",
            members=[library],
            agreement_signed_on=date(2001 + index, 3, 1),
        )
        EventFactory(
            parent=cooperation,
            title=f"Семинар «{WORD.capitalize()} {index}»",
            venue_library=library,
            partner_libraries=[library],
            starts_at=timezone.now() - timedelta(days=30 + index),
        )
        ProgramFactory(
            parent=cooperation,
            title=f"Программа «{WORD.capitalize()}» {index}",
            partner_libraries=[library],
            starts_on=date(2001 + index, 1, 15),
        )
        PublicationFactory(
            parent=cooperation,
            title=f"Сборник «{WORD.capitalize()}» {index}",
            year=2001 + index,
            partner_libraries=[library],
            document=wagtail_factories.DocumentFactory(title=f"Сборник {index}"),
        )
        plan = WorkPlanFactory(
            parent=cooperation, year=2001 + index, intro=f"План: {WORD} и чтения."
        )
        WorkPlanItemFactory(
            plan=plan, title=f"{WORD.capitalize()} летом", responsible_library=library
        )
        ChronicleFactory(
            parent=cooperation,
            title=f"Новости: {WORD} {index}",
            date=date(2001 + index, 5, 1),
            partner_libraries=[library],
        )
        memo = wagtail_factories.DocumentFactory(title=f"{WORD.capitalize()}: памятка {index}")
        # Dated like the cooperation's other material, so that no size of the hub shows only
        # documents on the first page sorted by date.
        type(memo).objects.filter(pk=memo.pk).update(
            created_at=timezone.make_aware(datetime(2001 + index, 6, 1))
        )


@pytest.fixture
def promoted(hub):
    """An editor's promotion for the query, so that the page shows it."""
    SearchPromotion.objects.create(
        query=Query.get(WORD), page=hub.cooperations, description="Все содружества"
    )


@pytest.fixture
def measure(client, django_assert_max_num_queries):
    def run(query, **params):
        url_params = {"query": query, **params}
        client.get("/search/", url_params)  # warms the cached vocabulary and site root paths
        with django_assert_max_num_queries(MAX_QUERIES):
            with CaptureQueriesContext(connection) as captured:
                response = client.get("/search/", url_params)
        assert response.status_code == 200
        return response, [query["sql"] for query in captured.captured_queries]

    return run


def assert_same_cost(small, large):
    extra = [sql for sql in large if sql not in small]
    assert len(large) == len(small), (
        f"{len(small)} queries with a few results, {len(large)} with many; new ones:\n"
        + "\n".join(extra[:10])
    )


def facet_values(response, name):
    return {value.value: value.count for value in response.context["outcome"].facets[name]}


def test_search_page_with_results_of_every_kind_stays_under_the_limit(hub, promoted, measure):
    add_content(0, FEW)
    response, sql = measure(WORD)
    outcome = response.context["outcome"]
    # Every page type and documents are among the results, each facet has values, and the
    # editor's promotion shows: what the queries are for is on the page.
    assert set(facet_values(response, "type")) == {
        "cooperationpage",
        "settlementpage",
        "librarypage",
        "eventpage",
        "programpage",
        "publicationpage",
        "workplanpage",
        "chroniclepage",
        "document",
    }
    assert len(facet_values(response, "region")) == FEW
    assert len(facet_values(response, "cooperation")) == FEW
    assert len(facet_values(response, "year")) >= FEW
    assert outcome.promotions and outcome.promotions[0]["text"] == "Все содружества"
    shown = list(outcome.page)
    assert len(shown) == 10
    assert all(hit.url and hit.title_html for hit in shown)
    assert len(sql) <= MAX_QUERIES


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "date"},
        {"page": "2"},
        {"type": "eventpage"},
        {"year": "2003", "sort": "date"},
    ],
    ids=["relevance", "by-date", "page-2", "one-type", "one-year"],
)
def test_search_page_costs_the_same_for_few_and_many_results(hub, promoted, measure, params):
    add_content(0, FEW)
    small_response, small = measure(WORD, **params)
    add_content(FEW, MANY - FEW)
    large_response, large = measure(WORD, **params)
    few, many = (r.context["outcome"].unfiltered_total for r in (small_response, large_response))
    assert (few, many) == (FEW * 9, MANY * 9)  # eight page types and a document each
    if "year" not in params:  # one year is one cooperation's, in one region
        regions = [len(facet_values(r, "region")) for r in (small_response, large_response)]
        assert regions == [FEW, MANY]
    assert_same_cost(small, large)


def test_typo_and_facet_filters_stay_under_the_limit(hub, promoted, measure):
    """A misspelt query goes through more modes (spelling correction, the engine's typos):
    still bounded, and the same with many results."""
    add_content(0, FEW)
    small_response, small = measure("краеведенее")
    assert small_response.context["outcome"].total
    add_content(FEW, MANY - FEW)
    _large_response, large = measure("краеведенее")
    assert_same_cost(small, large)


def test_a_query_searched_first_today_is_counted_and_stays_under_the_limit(hub, client):
    """The first search of a query today inserts the query and its day's row (the editors'
    «popular searches»); later ones add to that row in one statement."""
    from wagtail.contrib.search_promotions.models import QueryDailyHits

    add_content(0, FEW)
    client.get("/search/", {"query": "каталог"})  # warms the cached vocabulary and root paths
    # Counted at once: the next request empties the connection's query log.
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/search/", {"query": "Ёлка  в Никольском"}).status_code == 200
    first = [query["sql"] for query in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/search/", {"query": "елка в никольском"}).status_code == 200
    again = [query["sql"] for query in captured.captured_queries]
    client.get("/search/", {"query": "ёлка в никольском", "page": "2"})  # later pages: no count
    client.get("/search/", {"query": "и в на"})  # stop words only: nothing worth counting

    # Counted folded: «Ёлка», «ёлка» and «елка» are one query.
    hits = QueryDailyHits.objects.filter(query__query_string="елка в никольском")
    assert [(row.date, row.hits) for row in hits] == [(timezone.now().date(), 2)]
    assert not Query.objects.filter(query_string="и в на").exists()
    assert len(first) <= MAX_QUERIES

    def writes(statements):
        return [sql for sql in statements if sql.startswith(("INSERT", "UPDATE"))]

    assert len(writes(first)) == 3
    assert len(writes(again)) == 1


def test_a_query_counted_on_another_day_gets_a_row_of_its_own(hub, client):
    from wagtail.contrib.search_promotions.models import QueryDailyHits

    query = Query.get("каталог")
    yesterday = timezone.now().date() - timedelta(days=1)
    QueryDailyHits.objects.create(query=query, date=yesterday, hits=5)
    client.get("/search/", {"query": "Каталог"})
    rows = dict(QueryDailyHits.objects.filter(query=query).values_list("date", "hits"))
    assert rows == {yesterday: 5, timezone.now().date(): 1}
    assert Query.objects.filter(query_string="каталог").count() == 1


@pytest.mark.parametrize("params", [{"type": "eventpage"}, {"region": 0}, {"cooperation": 0}])
def test_a_search_ranked_within_its_facets_stays_under_the_limit(
    hub, promoted, measure, monkeypatch, params
):
    """With more results than the facets count, a chosen facet is ranked on its own: a
    second ranking, the pages the facts allow, and nothing per result."""
    from partnerships.models import CooperationPage
    from search import service

    monkeypatch.setattr(service, "WINDOW", 5)
    add_content(0, MANY)
    if "region" in params:
        params = {"region": regions(MANY)[0].code}
    if "cooperation" in params:
        params = {"cooperation": CooperationPage.objects.get(settlement_name="Тёзкино-00").pk}
    response, _sql = measure(WORD, **params)
    outcome = response.context["outcome"]
    assert outcome.unfiltered_capped
    assert outcome.total and all(hit.matches(outcome.params.filters) for hit in outcome.hits)
