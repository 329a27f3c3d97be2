"""The search tiers every search test runs on, and helpers shared by the search tests.

- The database tier is the run's own database: SQLite (the embedded default) or PostgreSQL
  when the suite runs with DATABASE_URL=postgres://… (CI runs the suite on both).
- The OpenSearch tier runs when OPENSEARCH_URL is set, with indices of its own (a distinct
  INDEX_PREFIX per test run), emptied before each test and deleted at the end. Without it
  the tier is skipped with the reason; in CI (the CI variable set) a missing or unreachable
  engine fails the tests instead.

This module holds no tests; the search test modules import its fixtures.
"""

import os
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models
from wagtail.models import Page

from partnerships.factories import (
    CooperationFactory,
    EventFactory,
    LibraryFactory,
    PublicationFactory,
    SettlementFactory,
)

NIKOLSKAYA = "Никольская сельская библиотека"
FILIAL = "Никольская библиотека-филиал"
YOLKA = "Новогодняя ёлка в библиотеке"
ELKA = "Елка желаний"


@pytest.fixture
def content(hub, belgorod, kursk):
    """Two Никольское, their libraries and cooperation, joint events with ё and without."""
    home_village = SettlementFactory(
        name="Никольское",
        title="Никольское (Белгородская область)",
        region=belgorod,
        intro="Село Никольское Шебекинского округа.",
    )
    other_village = SettlementFactory(
        name="Никольское", title="Никольское (Курская область)", region=kursk
    )
    alekseevka = SettlementFactory(
        name="Алексеевка", title="Алексеевка (Курская область)", region=kursk
    )
    nikolskaya = LibraryFactory(
        parent=home_village,
        title=NIKOLSKAYA,
        intro="Библиотека в селе Никольское: краеведческий уголок и клуб любителей чтения.",
    )
    filial = LibraryFactory(
        parent=other_village, title=FILIAL, intro="Филиал районной библиотеки у реки."
    )
    alekseevskaya = LibraryFactory(
        parent=alekseevka,
        title="Алексеевская библиотека",
        intro="Сельская изба-читальня, где библиотека и клуб под одной крышей.",
    )
    cooperation = CooperationFactory(
        settlement_name="Никольское",
        title="Содружество «Никольское»",
        members=[nikolskaya, filial],
    )
    yolka = EventFactory(
        parent=cooperation,
        title=YOLKA,
        kind="cultural",
        intro="Праздник у ёлки для детей всех Никольских сёл.",
        starts_at=timezone.now() - timedelta(days=300),
    )
    elka = EventFactory(
        parent=cooperation,
        title=ELKA,
        kind="cultural",
        intro="Дети загадывают желания и вешают их на елку.",
        starts_at=timezone.now() + timedelta(days=20),
    )
    seminar = EventFactory(
        parent=cooperation,
        title="Семинар «Краеведческий фонд»",
        kind="seminar",
        intro="Как описать краеведческую коллекцию.",
        starts_at=timezone.now() - timedelta(days=30),
    )
    collection = PublicationFactory(
        parent=cooperation,
        title="Краеведческий сборник «Никольские встречи»",
        year=2023,
        intro="Очерки о сёлах с именем Никольское.",
    )
    return {
        "villages": [home_village, other_village, alekseevka],
        "libraries": [nikolskaya, filial, alekseevskaya],
        "cooperation": cooperation,
        "events": [yolka, elka, seminar],
        "publication": collection,
    }


RUN_ID = uuid.uuid4().hex[:8]


def database_tier():
    engine = django_settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else "sqlite"


TIERS = [database_tier(), "opensearch"]


def opensearch_url():
    """The engine's URL, or skip (locally) / fail (in CI) with the reason."""
    url = next(iter(u.strip() for u in os.environ.get("OPENSEARCH_URL", "").split(",")), "")
    problem = None
    if not url:
        problem = "OPENSEARCH_URL is not set"
    else:
        from opensearchpy import OpenSearch

        try:
            if not OpenSearch(url, timeout=5).ping():
                problem = f"no answer from OpenSearch at {url}"
        except Exception as error:
            problem = f"OpenSearch at {url} is unreachable: {error}"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"The OpenSearch search tier must run in CI: {problem}")
        pytest.skip(
            f"OpenSearch search tier: {problem} (start tools/opensearch/start.sh and set "
            "OPENSEARCH_URL=http://127.0.0.1:9200)"
        )
    return url


def opensearch_backends(url, prefix, **extra):
    return {
        "default": {
            "BACKEND": "search.backends.opensearch2",
            "URLS": [url],
            "INDEX_PREFIX": prefix,
            "TIMEOUT": 20,
            **extra,
        },
        "database": dict(django_settings.SEARCH_DATABASE_BACKEND),
    }


def create_indexes(backend, index_pages=True):
    """The engine's indices with the Russian settings and every model's mapping, and (unless
    told not to) the pages that already exist indexed."""
    created = set()
    for model in get_indexed_models():
        index = backend.get_index_for_model(model)
        if index.name not in created:
            index.reset()
            created.add(index.name)
        index.add_model(model)
    if index_pages:
        for page in Page.objects.specific():
            backend.add(page)
    backend.refresh_indexes()
    return created


class Tier:
    """One tier under test: its name, and how to make the engine see the latest writes."""

    def __init__(self, name):
        self.name = name

    @property
    def is_engine(self):
        return self.name == "opensearch"

    def refresh(self):
        if self.is_engine:
            get_search_backend("default").refresh_indexes()

    def get(self, client, path="/search/", **params):
        self.refresh()
        return client.get(path, params)

    def search(self, client, query, **params):
        return self.get(client, query=query, **params)


def outcome(response):
    return response.context["outcome"]


def hits(response):
    return list(outcome(response).page or [])


def titles(response):
    return [hit.object.title for hit in hits(response)]


@pytest.fixture(scope="session")
def opensearch_indices():
    """The engine's indices for this test run, made once; each test empties them (below).

    Yields (settings for WAGTAILSEARCH_BACKENDS, prefix), or None when the engine is absent.
    """
    try:
        url = opensearch_url()
    except (pytest.skip.Exception, pytest.fail.Exception) as error:
        yield error
        return
    prefix = f"tezki-test-{RUN_ID}-"
    backends = opensearch_backends(url, prefix)
    backend = get_search_backend_for(backends)
    create_indexes(backend, index_pages=False)
    try:
        yield backends, prefix
    finally:
        backend.es.indices.delete(index=f"{prefix}*", ignore_unavailable=True)


def empty_indices(es, prefix):
    from opensearchpy.helpers import bulk

    es.indices.refresh(index=f"{prefix}*")
    found = es.search(
        index=f"{prefix}*", body={"query": {"match_all": {}}}, size=10_000, _source=False
    )["hits"]["hits"]
    actions = [{"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]} for hit in found]
    if actions:
        bulk(es, actions, refresh=True, raise_on_error=False)


def get_search_backend_for(backends):
    from django.test import override_settings

    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        return get_search_backend("default")


@pytest.fixture(params=TIERS)
def tier(request, settings, db):
    """Run the test once per tier; the search settings point at that tier only."""
    cache.clear()
    if request.param != "opensearch":
        settings.WAGTAILSEARCH_BACKENDS = {"default": dict(django_settings.SEARCH_DATABASE_BACKEND)}
        yield Tier(request.param)
        return
    indices = request.getfixturevalue("opensearch_indices")
    if isinstance(indices, BaseException):
        raise indices
    backends, prefix = indices
    settings.WAGTAILSEARCH_BACKENDS = backends
    backend = get_search_backend("default")
    # What earlier tests indexed is gone (the node has no delete-by-query module, so the
    # documents are listed and deleted); the pages this test starts with are indexed.
    empty_indices(backend.es, prefix)
    for page in Page.objects.specific():
        backend.add(page)
    yield Tier("opensearch")
