"""The search page on every tier: Russian word forms, ё/е, typos, phrases, highlighting,
facets, sorting, pages, suggestions as you type, promotions, the active locale."""

import pytest
from modelsearch.backends import get_search_backend
from modelsearch.query import Fuzzy
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale, Page

from partnerships.factories import (
    EventFactory,
    LibraryFactory,
    PublicationFactory,
)
from partnerships.models import EventPage, LibraryPage
from search.query import parse_query
from search.service import HubSearch
from tests import test_search_support as support
from tests.test_search_support import ELKA, FILIAL, NIKOLSKAYA, YOLKA, hits, outcome, titles

tier = support.tier
opensearch_indices = support.opensearch_indices
content = support.content

# --- Russian: word forms, ё, typos -------------------------------------------------------------


@pytest.mark.parametrize("query", ["библиотеки", "библиотекой", "библиотеку"])
def test_word_forms_of_library_find_the_libraries(client, tier, content, query):
    found = titles(tier.search(client, query))
    assert {NIKOLSKAYA, FILIAL, "Алексеевская библиотека"} <= set(found)


def test_librarian_query_puts_nikolskoe_libraries_first(client, tier, content):
    found = titles(tier.search(client, "библиотеки Никольского"))
    assert set(found[:2]) == {NIKOLSKAYA, FILIAL}
    assert "Алексеевская библиотека" not in found


def test_prepositional_case_of_a_settlement_finds_it(client, tier, content):
    found = titles(tier.search(client, "Никольском"))
    assert found[0] == "Содружество «Никольское»"
    assert {"Никольское (Белгородская область)", "Никольское (Курская область)"} <= set(found)
    assert "Алексеевка (Курская область)" not in found


@pytest.mark.parametrize("query", ["ёлка", "елка", "ЁЛКА", "Елки"])
def test_yo_and_ye_match_each_other(client, tier, content, query):
    found = titles(tier.search(client, query))
    assert {YOLKA, ELKA} <= set(found)
    assert NIKOLSKAYA not in found


def test_typo_finds_the_libraries_and_says_what_it_searched(client, tier, content):
    response = tier.search(client, "библиатека")
    assert {NIKOLSKAYA, FILIAL} <= set(titles(response))
    assert outcome(response).mode in {"corrected", "fuzzy"}
    assert "библиотека" in response.content.decode()


def test_engine_typo_tolerance_without_the_hub_vocabulary(tier, content):
    """Each engine's own typo tolerance (SQLite: index terms within edit distance, PostgreSQL:
    trigrams, OpenSearch: fuzziness), below the page's spelling correction."""
    tier.refresh()
    backend = get_search_backend("default")
    found = {page.title for page in backend.search(Fuzzy("библиатека"), Page.objects.live())}
    assert {NIKOLSKAYA, FILIAL} <= found


def test_phrase_needs_the_words_together(client, tier, content):
    found = titles(tier.search(client, '"Никольские встречи"'))
    assert found == ["Краеведческий сборник «Никольские встречи»"]


def test_stop_words_alone_find_nothing_and_say_so(client, tier, content):
    response = tier.search(client, "и в на")
    assert response.status_code == 200
    assert titles(response) == []
    assert "Ничего не найдено" in response.content.decode()


# --- highlighting ------------------------------------------------------------------------------


def test_matches_are_marked_in_title_and_fragment(client, tier, content):
    response = tier.search(client, "краеведческой")
    by_title = {hit.object.title: hit for hit in hits(response)}
    seminar = by_title["Семинар «Краеведческий фонд»"]
    assert "<mark>Краеведческий</mark>" in seminar.title_html
    assert "<mark>краеведческую</mark>" in seminar.snippet_html
    html = response.content.decode()
    assert "<mark>Краеведческий</mark>" in html


def test_highlighted_text_is_escaped(client, tier, content):
    LibraryFactory(
        parent=content["villages"][0],
        title="Библиотека <script>alert(1)</script>",
        intro="Читальня <b>и</b> клуб.",
    )
    response = tier.search(client, "читальня")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_opensearch_highlights_come_from_the_engine(tier, content):
    """The engine marks the matches itself; the database tiers mark them in Python."""
    tier.refresh()
    page = content["events"][2]
    marks = HubSearch(locale=Locale.get_default())._engine_highlights(
        parse_query("краеведческой коллекции"), "exact", [page.pk], []
    )
    if not tier.is_engine:
        assert marks == {}
        return
    assert "<mark>Краеведческий</mark>" in marks[("page", page.pk)]["title"]
    assert "<mark>коллекцию</mark>" in marks[("page", page.pk)]["intro"]


def test_an_engine_ranks_and_marks_the_first_page_in_one_request(
    client, tier, content, monkeypatch
):
    """Pages and documents go to the engine together, with the first page's highlights (one
    _msearch); a later page's hits are marked in a second one."""
    from wagtail_factories import DocumentFactory

    from search.service import backend as search_backend

    DocumentFactory(title="Устав содружества «Никольское»")
    for number in range(12):
        LibraryFactory(parent=content["villages"][2], title=f"Библиотека-клуб № {number + 1}")
    engine = search_backend("default")
    if not tier.is_engine:
        assert not hasattr(engine, "pks_together")
        return
    tier.refresh()
    sent = _engine_requests(monkeypatch)
    response = client.get("/search/", {"query": "Никольское"})
    assert {hit.kind for hit in hits(response)} == {"page", "document"}
    named = [hit for hit in hits(response) if "Никольск" in hit.object.title]
    assert len(named) >= 5
    assert all("<mark>Никольск" in hit.title_html for hit in named)
    assert sent == ["_msearch"]
    sent.clear()
    response = client.get("/search/", {"query": "библиотека-клуб", "page": 2})
    clubs = [hit for hit in hits(response) if "Библиотека-клуб" in hit.object.title]
    assert clubs
    assert all("<mark>Библиотека" in hit.title_html for hit in clubs)
    assert sent == ["_msearch", "_msearch"]


def _engine_requests(monkeypatch):
    """The endpoints the engine is asked from now on (its last path segment each)."""
    from search.service import backend as search_backend

    engine = search_backend("default")
    sent = []
    perform = engine.es.transport.perform_request

    def counted(method, url, *args, **kwargs):
        sent.append(url.rsplit("/", 1)[-1])
        return perform(method, url, *args, **kwargs)

    monkeypatch.setattr(engine.es.transport, "perform_request", counted)
    return sent


def test_a_word_the_hub_does_not_know_asks_the_typo_modes_in_one_request(
    client, tier, content, monkeypatch
):
    """Exact, corrected and fuzzy go to an engine together; the first that found anything
    is shown, as when they are asked one by one (the database tiers)."""
    tier.refresh()
    sent = _engine_requests(monkeypatch) if tier.is_engine else []
    response = tier.search(client, "библиатека")
    assert {NIKOLSKAYA, FILIAL} <= set(titles(response))
    assert outcome(response).mode == "corrected"
    assert outcome(response).corrected == "библиотека"
    if tier.is_engine:
        assert sent == ["_msearch"]
    sent.clear()
    response = tier.search(client, "фальклорные")
    assert outcome(response).mode == ""
    if tier.is_engine:
        assert sent == ["_msearch"]


def test_the_events_of_a_kind_come_first_marked_by_the_ranking_request(
    client, tier, content, monkeypatch
):
    """«семинары» puts seminars first, though a dozen publications outrank them: an engine
    marks the best of that kind in the ranking request, so the page needs no second one."""
    for number in range(12):
        PublicationFactory(
            parent=content["cooperation"],
            title=f"Семинары библиотекарей: сборник № {number + 1}",
            year=2023,
        )
    quiet = EventFactory(
        parent=content["cooperation"],
        title="Встреча хранителей фондов",
        kind="seminar",
        intro="Семинар для библиотекарей района.",
    )
    tier.refresh()
    sent = _engine_requests(monkeypatch) if tier.is_engine else []
    response = tier.search(client, "семинары")
    first = hits(response)[:2]
    assert {hit.pk for hit in first} == {content["events"][2].pk, quiet.pk}
    by_pk = {hit.pk: hit for hit in first}
    assert "<mark>Семинар</mark>" in by_pk[quiet.pk].snippet_html
    assert "<mark>Семинар</mark>" in by_pk[content["events"][2].pk].title_html
    if tier.is_engine:
        assert sent == ["_msearch"]


# --- facets, sorting, pages --------------------------------------------------------------------


def facet(response, name):
    return {value.label: value.count for value in outcome(response).facets.get(name, [])}


def test_facets_count_types_regions_cooperations_years(client, tier, content, kursk, belgorod):
    response = tier.search(client, "библиотека")
    types = facet(response, "type")
    assert types["библиотеки-партнёры"] == 3
    # Every hit counted: no type is offered without a count.
    assert None not in types.values()
    regions = facet(response, "region")
    assert regions[kursk.name] >= 2
    assert regions[belgorod.name] >= 1
    assert facet(response, "cooperation")["Никольское"] >= 2
    html = response.content.decode()
    assert "search-facet" in html


def test_region_filter_keeps_only_that_region(client, tier, content, kursk):
    response = tier.search(client, "библиотека", region=kursk.code, type="librarypage")
    assert set(titles(response)) == {FILIAL, "Алексеевская библиотека"}
    # Other facets are counted within the selected region.
    assert facet(response, "type")["библиотеки-партнёры"] == 2


def test_cooperation_and_year_filters(client, tier, content):
    cooperation = content["cooperation"]
    response = tier.search(client, "библиотека", cooperation=str(cooperation.pk))
    found = set(titles(response))
    assert {NIKOLSKAYA, FILIAL} <= found
    assert "Алексеевская библиотека" not in found
    response = tier.search(client, "Никольские", year="2023")
    assert titles(response) == ["Краеведческий сборник «Никольские встречи»"]


def test_sort_by_date_puts_the_newest_first(client, tier, content):
    response = tier.search(client, "ёлка", sort="date")
    assert titles(response)[:2] == [ELKA, YOLKA]


def test_pages_of_results(client, tier, content):
    village = content["villages"][2]
    for number in range(12):
        LibraryFactory(parent=village, title=f"Передвижная библиотека № {number + 1}")
    first = tier.search(client, "передвижная")
    assert outcome(first).total == 12
    assert len(titles(first)) == 10
    second = tier.search(client, "передвижная", page="2")
    assert len(titles(second)) == 2
    beyond = tier.search(client, "передвижная", page="50")
    assert beyond.status_code == 200
    assert titles(beyond) == titles(second)


# --- suggestions as you type -------------------------------------------------------------------


def test_suggestions_json(client, tier, content):
    tier.refresh()
    data = client.get("/search/suggest/", {"q": "нико"}).json()
    suggested = {item["title"] for item in data["suggestions"]}
    assert "Никольское (Белгородская область)" in suggested
    assert all(item["url"].startswith("/") for item in data["suggestions"])


def test_suggestions_fold_yo(client, tier, content):
    tier.refresh()
    for typed in ("ёлк", "елк"):
        data = client.get("/search/suggest/", {"q": typed}).json()
        assert {YOLKA, ELKA} <= {item["title"] for item in data["suggestions"]}, typed


def test_search_page_works_without_javascript(client, tier, content):
    response = tier.search(client, "библиотека")
    html = response.content.decode()
    assert 'method="get"' in html
    assert 'name="query"' in html
    assert "js/search.js" in html
    assert "Никольская сельская <mark>библиотека</mark>" in html


# --- when nothing is found ---------------------------------------------------------------------


def test_nothing_found_offers_sections(client, tier, content):
    response = tier.search(client, "абракадабра")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ничего не найдено" in html
    assert "Содружества" in html  # the section links


def test_nothing_found_with_a_filter_offers_to_remove_it(client, tier, content):
    response = tier.search(client, "библиотека", year="1999")
    html = response.content.decode()
    assert titles(response) == []
    assert "С выбранными условиями ничего не нашлось" in html
    assert "Убрать условие" in html


# --- editors' promotions -----------------------------------------------------------------------


def test_promoted_page_comes_first_whatever_the_yo(client, tier, content):
    library = content["libraries"][2]
    SearchPromotion.objects.create(
        query=Query.get("ёлка"), page=library, description="Ёлка в избе-читальне"
    )
    for typed in ("ёлка", "елка"):
        response = tier.search(client, typed)
        promoted = outcome(response).promotions
        assert [item["title"] for item in promoted] == ["Алексеевская библиотека"], typed
        assert "Рекомендуем" in response.content.decode()


# --- the active locale -------------------------------------------------------------------------


def test_only_the_active_locale_is_searched(client, tier, content):
    english = Locale.objects.get(language_code="en")
    library = content["libraries"][0]
    translated = library.copy_for_translation(english, copy_parents=True)
    translated.title = "Nikolskoye village library"
    translated.save_revision().publish()
    found_ru = titles(tier.search(client, "library"))
    assert "Nikolskoye village library" not in found_ru
    found_en = titles(tier.get(client, "/en/search/", query="library"))
    assert found_en == ["Nikolskoye village library"]
    assert NIKOLSKAYA not in titles(tier.get(client, "/en/search/", query="библиотека"))


# --- the page's own parameters -----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"year": "двадцать"},
        {"type": "spaceship"},
        {"sort": "random"},
        {"region": "Курская"},
        {"cooperation": "-1"},
    ],
)
def test_unreadable_parameters_get_a_clear_400(client, tier, content, params):
    response = tier.search(client, "библиотека", **params)
    assert response.status_code == 400
    assert "Не удалось понять адрес поиска" in response.content.decode()


def test_empty_query_shows_the_form(client, tier, content):
    response = tier.search(client, "")
    assert response.status_code == 200
    assert "Введите слово или название" in response.content.decode()


def test_documents_are_searched_by_title(client, tier, content):
    from wagtail.documents import get_document_model
    from wagtail_factories import DocumentFactory

    document = DocumentFactory(title="Устав содружества «Никольское»")
    assert get_document_model().objects.filter(pk=document.pk).exists()
    response = tier.search(client, "устав")
    found = [(hit.kind, hit.object.title) for hit in hits(response)]
    assert ("document", "Устав содружества «Никольское»") in found
    assert facet(response, "type")["документы"] == 1


def test_documents_in_a_restricted_collection_are_not_found(client, tier, content):
    from wagtail.models import Collection, CollectionViewRestriction
    from wagtail_factories import DocumentFactory

    root = Collection.get_first_root_node()
    closed = root.add_child(name="Для модераторов")
    inner = closed.add_child(name="Черновики")
    DocumentFactory(title="Устав содружества: открытый текст")
    DocumentFactory(title="Устав содружества: черновик", collection=inner)
    CollectionViewRestriction.objects.create(
        collection=closed, restriction_type=CollectionViewRestriction.PASSWORD, password="x"
    )
    found = [hit.object.title for hit in hits(tier.search(client, "устав"))]
    assert "Устав содружества: открытый текст" in found
    assert "Устав содружества: черновик" not in found


def test_model_queries_stay_bounded(client, tier, content, django_assert_max_num_queries):
    village = content["villages"][2]
    for number in range(15):
        LibraryFactory(parent=village, title=f"Библиотека-клуб № {number}")
    tier.refresh()
    with django_assert_max_num_queries(70):
        response = client.get("/search/", {"query": "библиотека"})
    assert len(titles(response)) == 10
    assert LibraryPage.objects.count() >= 18
    assert EventPage.objects.count() == 3


def test_a_count_beyond_the_window_says_so(client, tier, content, monkeypatch):
    from search import service

    monkeypatch.setattr(service, "WINDOW", 2)
    response = tier.search(client, "библиотека")
    assert outcome(response).capped
    assert outcome(response).total <= 4
    assert "найдено больше" in response.content.decode()


def test_a_chosen_type_is_ranked_on_its_own_beyond_the_window(client, tier, content, monkeypatch):
    from search import service

    # The best two hits of every type are the settlements and the cooperation named
    # «Никольское»; the event only mentions the Никольские villages in its introduction.
    monkeypatch.setattr(service, "WINDOW", 2)
    everything = tier.search(client, "Никольское")
    assert outcome(everything).capped
    assert "eventpage" not in {hit.type for hit in outcome(everything).hits}
    # The reader can still choose the events: listed without a count, beyond the best two.
    offered = {value.value: value.count for value in outcome(everything).facets["type"]}
    assert offered["eventpage"] is None
    assert all(offered[hit.type] for hit in outcome(everything).hits)

    response = tier.search(client, "Никольское", type="eventpage")
    assert titles(response) == [YOLKA]
    assert not outcome(response).capped
    types = {value.value: value for value in outcome(response).facets["type"]}
    assert types["eventpage"].selected
    assert types["eventpage"].count == 1
    # The other types are still counted, over the best hits of every type, to be chosen.
    assert set(types) - {"eventpage"}


def test_a_kind_searched_within_events_lists_the_events_of_that_kind(
    client, tier, content, monkeypatch
):
    from search import service

    # One hit fills the window: the events are then ranked on their own, and a query that
    # only names a kind lists that kind's events from the events' own table.
    monkeypatch.setattr(service, "WINDOW", 1)
    response = tier.search(client, "семинары", type="eventpage")
    assert response.status_code == 200
    assert titles(response) == ["Семинар «Краеведческий фонд»"]


def test_nothing_of_a_chosen_type_beyond_the_window_says_there_are_more(
    client, tier, content, monkeypatch
):
    from search import service

    monkeypatch.setattr(service, "WINDOW", 2)
    response = tier.search(client, "Никольское", type="workplanpage")
    assert titles(response) == []
    assert outcome(response).unfiltered_capped
    assert "найдено больше 2 результатов" in response.content.decode()


@pytest.fixture
def outranked(tier, content, monkeypatch):
    """Three libraries in Belgorod named just «Библиотека …», which rank first for
    «библиотека», ahead of the Kursk libraries and the cooperation's members; and a window
    of three hits."""
    from search import service

    for number in range(1, 4):
        LibraryFactory(parent=content["villages"][0], title=f"Библиотека {number}")
    tier.refresh()
    monkeypatch.setattr(service, "WINDOW", 3)
    return service


def test_a_region_or_cooperation_chosen_is_ranked_on_its_own(
    client, tier, content, kursk, monkeypatch, outranked
):
    response = tier.search(client, "библиотека", region=kursk.code)
    assert {FILIAL, "Алексеевская библиотека"} <= set(titles(response))
    assert all(kursk.code in hit.regions for hit in outcome(response).hits)
    regions = {value.value: value for value in outcome(response).facets["region"]}
    assert regions[kursk.code].selected
    assert regions[kursk.code].count == outcome(response).total

    response = tier.search(client, "библиотека", cooperation=str(content["cooperation"].pk))
    assert {NIKOLSKAYA, FILIAL} <= set(titles(response))

    # A type and a region together: an engine filters a type's pages by id too.
    response = tier.search(client, "библиотека", region=kursk.code, type="librarypage")
    assert set(titles(response)) == {FILIAL, "Алексеевская библиотека"}

    monkeypatch.setattr(outranked, "WINDOW", 1)
    response = tier.search(client, "Никольское", year="2023")
    assert titles(response) == ["Краеведческий сборник «Никольские встречи»"]


def test_facts_dropped_since_are_derived_before_ranking_within_a_region(
    client, tier, kursk, outranked
):
    from search.models import PageFacts

    tier.search(client, "библиотека")
    PageFacts.objects.all().delete()
    response = tier.search(client, "библиотека", region=kursk.code)
    assert {FILIAL, "Алексеевская библиотека"} <= set(titles(response))


def test_too_many_pages_without_facts_narrow_the_best_hits_only(
    client, tier, kursk, monkeypatch, outranked
):
    from search import facets
    from search.models import PageFacts

    monkeypatch.setattr(facets, "MISSING_FACTS_LIMIT", 0)
    best = set(titles(tier.search(client, "библиотека")))
    PageFacts.objects.all().delete()
    response = tier.search(client, "библиотека", region=kursk.code)
    assert response.status_code == 200
    # What the best three hold in Kursk, no more.
    assert set(titles(response)) <= best
    assert all(kursk.code in hit.regions for hit in outcome(response).hits)
    assert outcome(response).unfiltered_capped


def test_an_engine_is_sent_no_more_page_ids_than_it_takes(
    client, tier, kursk, monkeypatch, outranked
):
    monkeypatch.setattr(outranked, "ENGINE_IDS", 1)
    best = set(titles(tier.search(client, "библиотека")))
    response = tier.search(client, "библиотека", region=kursk.code)
    assert all(kursk.code in hit.regions for hit in outcome(response).hits)
    if tier.is_engine:
        # Too many ids for the engine: the region narrows the best three only.
        assert set(titles(response)) <= best
    else:
        assert {FILIAL, "Алексеевская библиотека"} <= set(titles(response))
