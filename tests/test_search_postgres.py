"""The PostgreSQL backend at scale (search.backends.postgres_russian): tiered ranking over the
same matches as upstream's, typo widening from the index's own words, an indexer that leaves
unchanged rows alone, a ranked search in one statement, and the index its migration adds.

These run when the suite runs on PostgreSQL (DATABASE_URL=postgres://…, as CI's second pass
does); on SQLite the backend cannot run at all.
"""

from io import StringIO

import pytest
import wagtail_factories
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.backends import get_search_backend
from modelsearch.query import And, Fuzzy, Or, Phrase, PlainText
from wagtail.documents import get_document_model
from wagtail.models import Page

from partnerships.factories import EventFactory, LibraryFactory
from partnerships.models import EventPage
from tests import test_search_support as support
from tests.test_search_support import FILIAL, NIKOLSKAYA

if connection.vendor != "postgresql":
    pytest.skip(
        "the PostgreSQL search backend needs a PostgreSQL database: run the suite with "
        "DATABASE_URL=postgres://… (CI's PostgreSQL pass does)",
        allow_module_level=True,
    )

from django.contrib.postgres.search import SearchQuery
from modelsearch.backends.database.postgres.postgres import IndexEntry, PostgresSearchBackend

from search.backends import postgres_russian

content = support.content
BACKEND = {"BACKEND": "search.backends.postgres_russian", "SEARCH_CONFIG": "russian"}
ALEKSEEVSKAYA = "Алексеевская библиотека"
# An event that names the word in its body only, which upstream's rank puts above a title.
WORDY = "Праздник двора"


@pytest.fixture
def backend(settings):
    """The backend under test is the one the pages are indexed into as they are saved."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": dict(BACKEND)}
    postgres_russian.forget_lexicon()
    yield get_search_backend("default")
    postgres_russian.forget_lexicon()


@pytest.fixture
def upstream():
    """modelsearch's own PostgreSQL backend, reading the same index: the reference."""
    return PostgresSearchBackend({"SEARCH_CONFIG": "russian"})


@pytest.fixture
def hub_pages(backend, content):
    """The shared small hub, plus an event that names the word many times in its body only."""
    EventFactory(
        parent=content["cooperation"],
        title=WORDY,
        intro="Библиотека и библиотекари: библиотека во дворе, библиотека у дома.",
    )
    return content


def live_pages():
    return Page.objects.live()


def ranked(backend, query, queryset, stop=100, start=0):
    return [page.pk for page in backend.search(query, queryset)[start:stop]]


def matches(upstream, query, queryset):
    """Upstream's matches: `title || body @@ query` over the queryset, in no order."""
    return {page.pk for page in upstream.search(query, queryset, order_by_relevance=False)}


def in_title(word):
    """The pages whose own title (the index's title vector) holds the word."""
    query = SearchQuery(word, search_type="plain", config="russian")
    return {
        int(pk) for pk in IndexEntry.objects.filter(title=query).values_list("object_id", flat=True)
    }


def title_of(pk):
    return Page.objects.get(pk=pk).title


# --- the tiers rank upstream's matches, own titles first --------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "библиотека",
        "библиотеки Никольского",
        "Никольское",
        "ёлка",
        "краеведческий сборник",
        "клуб и чтения",
        "Алексеевская читальня",
        PlainText("библиотека филиал клуб", operator="or"),
        Or([PlainText("Никольская библиотека", operator="and"), PlainText("Никольская")]),
        Phrase("сельская библиотека"),
        And([PlainText("библиотека"), Phrase("клуб любителей")]),
    ],
    ids=str,
)
def test_the_tiers_find_exactly_upstreams_matches(backend, upstream, hub_pages, query):
    expected = matches(upstream, query, live_pages())
    assert expected
    found = ranked(backend, query, live_pages())
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert backend.search(query, live_pages())[:100].pks() == found


def test_a_query_of_stop_words_finds_nothing(backend, upstream, hub_pages):
    assert matches(upstream, "и в на", live_pages()) == set()
    assert ranked(backend, "и в на", live_pages()) == []


def test_own_title_matches_come_before_body_matches(backend, upstream, hub_pages):
    found = ranked(backend, "библиотека", live_pages())
    titled = in_title("библиотека")
    body_only = [pk for pk in found if pk not in titled]
    assert body_only, "the hub must have pages that name the word in their body only"
    assert found[: len(found) - len(body_only)] == [pk for pk in found if pk in titled]
    # Upstream's rank alone puts the wordy event above a title match: the tiers change that.
    by_rank = [page.title for page in upstream.search("библиотека", live_pages())[:100]]
    assert by_rank.index(WORDY) < by_rank.index(support.YOLKA)


def test_a_title_with_every_word_comes_before_a_title_with_some(backend, upstream, hub_pages):
    """As search.query asks: «Никольская», or better both words."""
    long_title = "Никольская центральная межпоселенческая детская модельная библиотека"
    LibraryFactory(parent=hub_pages["villages"][0], title=long_title)
    query = Or([PlainText("Никольская библиотека", operator="and"), PlainText("Никольская")])
    titles = [title_of(pk) for pk in ranked(backend, query, live_pages())]
    assert set(titles[:3]) == {NIKOLSKAYA, FILIAL, long_title}
    # Upstream's rank alone puts a short title with one of the words above the long one.
    by_rank = [page.title for page in upstream.search(query, live_pages())[:100]]
    assert by_rank.index("Никольское (Белгородская область)") < by_rank.index(long_title)


def test_the_querysets_filter_and_models_are_respected(backend, hub_pages):
    village = hub_pages["villages"][0]
    hub_pages["libraries"][0].unpublish()
    found = {title_of(pk) for pk in ranked(backend, "библиотека", live_pages())}
    assert NIKOLSKAYA not in found and FILIAL in found
    events = ranked(backend, "библиотека", EventPage.objects.all())
    assert events and all(isinstance(Page.objects.get(pk=pk).specific, EventPage) for pk in events)
    assert ranked(backend, "библиотека", Page.objects.descendant_of(village)) == [
        hub_pages["libraries"][0].pk
    ]
    assert ranked(backend, "библиотека", Page.objects.filter(pk__in=[])) == []
    assert ranked(backend, "библиотека", Page.objects.none()) == []


def test_a_narrow_queryset_gets_its_matches_even_when_a_tier_reads_few_rows(
    backend, upstream, hub_pages, monkeypatch
):
    """At scale a tier reads a few hundred rows, shortest titles first. The queryset's filter
    must choose among all the matches, not among those rows: a library editor's admin search
    (Wagtail searches the pages they may explore) would miss their own pages."""
    monkeypatch.setattr(postgres_russian, "CANDIDATE_FACTOR", 1)
    monkeypatch.setattr(postgres_russian.TieredRanking, "MIN_RANKED", 1)
    events = Page.objects.type(EventPage)
    expected = matches(upstream, "библиотека", events)
    assert len(expected) >= 3
    assert set(ranked(backend, "библиотека", events, stop=len(expected))) == expected


def test_slices_page_through_the_same_ranking(backend, hub_pages):
    whole = ranked(backend, "библиотека", live_pages(), stop=6)
    assert len(whole) == 6
    parts = [ranked(backend, "библиотека", live_pages(), start=s, stop=s + 2) for s in (0, 2, 4)]
    assert sum(parts, []) == whole


def test_an_explicit_order_is_upstreams(backend, hub_pages):
    queryset = live_pages().order_by("title")
    found = [p.title for p in backend.search("библиотека", queryset, order_by_relevance=False)]
    assert found == sorted(found) and ALEKSEEVSKAYA in found


def test_documents_are_searched_like_pages(backend, hub_pages):
    documents = get_document_model().objects.all()
    memo = wagtail_factories.DocumentFactory(title="Положение о сотрудничестве библиотек")
    wagtail_factories.DocumentFactory(title="Отчёт за год")
    assert [doc.pk for doc in backend.search("библиотеки", documents)[:10]] == [memo.pk]
    assert backend.search("библиатека", documents, operator="and")[:10].pks() == []
    assert [doc.pk for doc in backend.search(Fuzzy("библиатеки"), documents)[:10]] == [memo.pk]


def test_an_empty_index_finds_nothing_without_failing(backend, hub_pages):
    IndexEntry.objects.all().delete()
    postgres_russian.forget_lexicon()
    assert ranked(backend, "библиотека", live_pages()) == []
    assert ranked(backend, Fuzzy("библиатека"), live_pages()) == []
    assert list(backend.autocomplete("биб", live_pages())[:8]) == []


def test_autocomplete_ranks_prefixes_with_yo_folded(backend, hub_pages):
    found = [p.title for p in backend.autocomplete("ёлк", live_pages())[:8]]
    assert set(found) == {support.YOLKA, support.ELKA}


# --- typos widen to the index's own words ------------------------------------------------------


def test_a_typo_finds_the_libraries_through_the_index_lexemes(backend, hub_pages):
    assert ranked(backend, "библиатека", live_pages()) == []
    found = {title_of(pk) for pk in ranked(backend, Fuzzy("библиатека"), live_pages())}
    assert {NIKOLSKAYA, FILIAL, ALEKSEEVSKAYA} <= found
    query = backend.query_compiler_class(live_pages(), Fuzzy("библиатека")).query
    assert isinstance(query, postgres_russian.Lexemes)
    assert "библиотек" in query.lexemes


def test_a_newly_published_word_is_found_as_a_typo_at_once(backend, hub_pages):
    assert ranked(backend, Fuzzy("зимляничная"), live_pages()) == []  # the lexicon is read
    event = EventFactory(parent=hub_pages["cooperation"], title="Земляничная поляна")
    assert ranked(backend, Fuzzy("зимляничная"), live_pages()) == [event.pk]


# --- the indexer writes only what changed ------------------------------------------------------


def entry_version(page):
    """Where the page's index row is, and its title_norm: an UPDATE writes a new version of
    the row elsewhere (xmin would not tell, as a test runs in one transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ctid::text, title_norm FROM {IndexEntry._meta.db_table} "  # noqa: S608
            "WHERE content_type_id = %s AND object_id = %s",
            [ContentType.objects.get_for_model(page).pk, str(page.pk)],
        )
        return cursor.fetchone()


def test_indexing_an_unchanged_page_leaves_its_row_alone(backend, hub_pages):
    page = hub_pages["libraries"][1].specific
    before = entry_version(page)
    index = backend.get_index_for_model(type(page))
    index.add_items(type(page), [page])
    backend.add(page)
    assert entry_version(page) == before
    page.title = "Никольская библиотека-филиал имени Пушкина"
    backend.add(page)
    after = entry_version(page)
    assert after[0] != before[0]
    assert after[1] < before[1]  # a longer title, a lower title_norm


def test_update_index_leaves_an_unchanged_index_alone(backend, hub_pages):
    page = hub_pages["libraries"][1].specific
    call_command("update_index", backend_name="default", stdout=StringIO())
    before = entry_version(page)
    call_command("update_index", backend_name="default", stdout=StringIO())
    assert entry_version(page) == before


# --- one statement per ranked search -----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "библиотека",
        Or([PlainText("библиотеки Никольского", operator="and"), PlainText("Никольского")]),
        "краеведческую коллекцию",
        Fuzzy("библиатека"),
    ],
    ids=["own titles then bodies", "three tiers", "bodies only", "typo"],
)
def test_a_ranked_search_is_one_statement(backend, hub_pages, query):
    """The ranking is one statement whichever tiers it reads; the objects, one more."""
    ranked(backend, query, live_pages())  # content types and the lexicon are read once
    with CaptureQueriesContext(connection) as captured:
        assert backend.search(query, live_pages())[:20].pks()
    assert len(captured.captured_queries) == 1, [q["sql"] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        assert ranked(backend, query, live_pages(), stop=20)
    assert len(captured.captured_queries) == 2


def test_a_typo_reads_the_lexicon_once(backend, hub_pages):
    with CaptureQueriesContext(connection) as captured:
        ranked(backend, Fuzzy("библиатека"), live_pages())
        ranked(backend, Fuzzy("никольскае"), live_pages())
    lexicon_reads = [q for q in captured.captured_queries if "ts_stat" in q["sql"]]
    assert len(lexicon_reads) == 1


# --- the index the ranking reads ---------------------------------------------------------------


def test_the_migration_adds_the_title_norm_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname = %s",
            ["tezki_indexentry_title_norm"],
        )
        rows = cursor.fetchall()
    assert rows == [
        (
            IndexEntry._meta.db_table,
            f"CREATE INDEX tezki_indexentry_title_norm ON public.{IndexEntry._meta.db_table} "
            "USING btree (title_norm DESC, id DESC)",
        )
    ]


def test_the_lexicon_is_read_again_only_when_the_index_was_written_to(
    backend, hub_pages, monkeypatch
):
    """Another process's writes show in the server's count of the index's written rows:
    the lexemes (a scan of the whole index) are read again only when that count changed,
    or, where the server counts nothing, when they expire."""
    from django.db import connection

    assert isinstance(postgres_russian.index_writes(connection), int)
    reads, writes = [], [5]

    def read_lexemes(connection):
        reads.append(1)
        return {9: ["библиотек"]}

    monkeypatch.setattr(postgres_russian, "read_lexemes", read_lexemes)
    monkeypatch.setattr(postgres_russian, "index_writes", lambda connection: writes[0])
    monkeypatch.setattr(postgres_russian, "LEXICON_CHECK_SECONDS", 0)
    postgres_russian.forget_lexicon()
    assert postgres_russian.index_lexemes("default") == {9: ["библиотек"]}
    postgres_russian.index_lexemes("default")
    assert len(reads) == 1
    writes[0] = 6
    postgres_russian.index_lexemes("default")
    assert len(reads) == 2
    writes[0] = None
    monkeypatch.setattr(postgres_russian, "LEXICON_SECONDS", 0)
    postgres_russian.index_lexemes("default")
    postgres_russian.index_lexemes("default")
    assert len(reads) == 4
