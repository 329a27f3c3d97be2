"""The facets' kept facts (search.models.PageFacts): a search reads them in a fixed number of
queries, they are what deriving them gives, and they follow every change they depend on.

Each test that changes something keeps the facts first, so that a stale row would be read: it
then compares what a search reads with what deriving the facts afresh gives, and with the
change it expects. Runs on the run's database tier (SQLite, or PostgreSQL in CI's second pass).
"""

from io import StringIO

import pytest
import wagtail_factories
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page

from partnerships.choices import MembershipChangeKind
from partnerships.factories import (
    CooperationFactory,
    EventFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from partnerships.models import MembershipChange
from search import facets
from search.models import DocumentFacts, PageFacts
from tests import test_search_support as support

content = support.content


def facts_of(*pages, locale=None):
    """What a search knows of the pages: {pk: (type, date, year, kind, regions, cooperations,
    the names of the regions, the names of the cooperations)}."""
    hits = {page.pk: facets.Hit("page", page.pk) for page in pages}
    labels = facets.describe(list(hits.values()), locale or Locale.get_default())
    return {
        pk: (
            hit.type,
            hit.date,
            hit.year,
            hit.event_kind,
            hit.regions,
            hit.cooperations,
            {labels["region"][code] for code in hit.regions},
            {labels["cooperation"][key] for key in hit.cooperations},
        )
        for pk, hit in hits.items()
    }


def live_pages():
    return list(Page.objects.live().filter(depth__gt=1))


def read_and_derived(*pages):
    """The facts a search reads now, and those it derives with nothing kept."""
    read = facts_of(*pages)
    PageFacts.objects.all().delete()
    return read, facts_of(*pages)


@pytest.fixture
def kept(content):
    """Every live page's facts kept, as a search keeps them."""
    pages = live_pages()
    facts_of(*pages)
    assert PageFacts.objects.count() == len(pages)
    return content


def regions(pk):
    return facts_of(Page.objects.get(pk=pk))[pk][4]


def cooperations(pk):
    return facts_of(Page.objects.get(pk=pk))[pk][5]


def test_kept_facts_are_read_in_one_query_and_equal_the_derived_ones(kept):
    pages, locale = live_pages(), Locale.get_default()
    with CaptureQueriesContext(connection) as captured:
        read = facts_of(*pages, locale=locale)
    # The kept facts with the names of their regions and cooperations.
    assert len(captured.captured_queries) == 1, [q["sql"][:80] for q in captured]
    PageFacts.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        derived = facts_of(*pages, locale=locale)
    assert len(captured.captured_queries) > 1
    assert read == derived
    cooperation = kept["cooperation"]
    library = kept["libraries"][0]
    assert read[cooperation.pk][0] == "cooperationpage"
    assert read[library.pk][5] == {cooperation.pk}
    assert read[kept["events"][2].pk][3] == "seminar"


def test_a_library_leaving_drops_out_of_the_cooperation_and_its_regions(kept, kursk, belgorod):
    cooperation, library = kept["cooperation"], kept["libraries"][1]
    assert regions(cooperation.pk) == {belgorod.code, kursk.code}
    MembershipChange.objects.create(
        cooperation=cooperation, library=library, kind=MembershipChangeKind.LEAVE
    )
    read, derived = read_and_derived(cooperation, library)
    assert read == derived
    assert read[library.pk][5] == set()
    assert read[cooperation.pk][4] == {belgorod.code}


def test_members_written_in_bulk_join_the_cooperation(kept):
    library, village = kept["libraries"][2], kept["villages"][2]
    assert cooperations(library.pk) == set()
    # The factory writes the history rows in bulk, without their save signals.
    cooperation = CooperationFactory(
        settlement_name="Алексеевка", title="Содружество «Алексеевка»", members=[library]
    )
    read, derived = read_and_derived(library, village)
    assert read == derived
    assert read[library.pk][5] == {cooperation.pk}
    assert read[village.pk][5] == {cooperation.pk}


def test_an_unpublished_cooperation_leaves_its_libraries_and_namesakes(kept):
    cooperation = kept["cooperation"]
    pages = [*kept["libraries"][:2], *kept["villages"][:2]]
    assert all(cooperations(page.pk) == {cooperation.pk} for page in pages)
    cooperation.unpublish()
    read, derived = read_and_derived(*pages)
    assert read == derived
    assert all(read[page.pk][5] == set() for page in pages)


def test_a_published_venue_and_partners_give_the_regions(kept, kursk, belgorod):
    seminar, publication = kept["events"][2], kept["publication"]
    nikolskaya, filial = kept["libraries"][:2]
    assert regions(seminar.pk) == set()
    seminar.venue_library = nikolskaya
    seminar.save_revision().publish()
    publication.partner_libraries = [filial]
    publication.save_revision().publish()
    read, derived = read_and_derived(seminar, publication)
    assert read == derived
    assert read[seminar.pk][4] == {belgorod.code}
    assert read[publication.pk][4] == {kursk.code}


def test_a_plan_item_changed_alone_changes_the_plans_regions(kept, kursk, belgorod):
    nikolskaya, filial = kept["libraries"][:2]
    plan = WorkPlanFactory(parent=kept["cooperation"], year=2025)
    item = WorkPlanItemFactory(plan=plan, responsible_library=nikolskaya)
    assert regions(plan.pk) == {belgorod.code}
    item.responsible_library = filial
    item.save()
    read, derived = read_and_derived(plan)
    assert read == derived
    assert read[plan.pk][4] == {kursk.code}


def test_a_settlement_in_another_region_moves_its_libraries_and_what_names_them(
    kept, kursk, belgorod
):
    village, filial, cooperation = kept["villages"][1], kept["libraries"][1], kept["cooperation"]
    event = EventFactory(parent=cooperation, title="Встреча у реки", venue_library=filial)
    assert regions(event.pk) == {kursk.code}
    village.region = belgorod
    village.save_revision().publish()
    read, derived = read_and_derived(village, filial, event, cooperation)
    assert read == derived
    assert read[filial.pk][4] == {belgorod.code}
    assert read[event.pk][4] == {belgorod.code}
    assert read[cooperation.pk][4] == {belgorod.code}


def test_a_library_moved_to_another_settlement_takes_its_new_region(kept, kursk, belgorod):
    home_village, filial = kept["villages"][0], kept["libraries"][1]
    event = EventFactory(parent=kept["cooperation"], title="Встреча у реки", venue_library=filial)
    assert regions(filial.pk) == regions(event.pk) == {kursk.code}
    filial.move(home_village, pos="last-child")
    read, derived = read_and_derived(filial, event)
    assert read == derived
    assert read[filial.pk][4] == {belgorod.code}
    assert read[event.pk][4] == {belgorod.code}


def test_a_deleted_page_takes_its_facts_with_it(kept):
    event = kept["events"][0]
    event.delete()
    assert not PageFacts.objects.filter(page_id=event.pk).exists()
    assert PageFacts.objects.filter(page_id=kept["events"][1].pk).exists()


def test_update_index_keeps_the_facts_of_every_live_page(content):
    PageFacts.objects.all().delete()
    out = StringIO()
    call_command("update_index", stdout=out)
    pages = live_pages()
    assert PageFacts.objects.count() == len(pages)
    assert f"facts of {len(pages)} pages" in out.getvalue()
    read, derived = read_and_derived(*pages)
    assert read == derived


def test_a_renamed_cooperation_is_named_anew_by_its_items_and_members(kept):
    cooperation, seminar, library = kept["cooperation"], kept["events"][2], kept["libraries"][0]
    assert facts_of(seminar)[seminar.pk][7] == {"Никольское"}
    cooperation.settlement_name = "Никольское-на-Реке"
    cooperation.save_revision().publish()
    # Each alone: the names of one search are shared by its hits.
    for page in (seminar, library):
        read, derived = read_and_derived(page)
        assert read == derived
        assert read[page.pk][7] == {"Никольское-на-Реке"}


def test_a_cooperation_renamed_leaves_the_settlements_of_its_old_name(kept):
    cooperation, villages = kept["cooperation"], kept["villages"][:2]
    assert all(cooperations(village.pk) == {cooperation.pk} for village in villages)
    cooperation.settlement_name = "Алексеевка"
    cooperation.save_revision().publish()
    read, derived = read_and_derived(*villages, kept["villages"][2])
    assert read == derived
    assert all(read[village.pk][5] == set() for village in villages)
    assert read[kept["villages"][2].pk][5] == {cooperation.pk}


def test_a_renamed_region_is_named_anew(kept, kursk):
    filial = kept["libraries"][1]
    assert facts_of(filial)[filial.pk][6] == {kursk.name}
    kursk.name = "Курская обл."
    kursk.save()
    read, derived = read_and_derived(filial)
    assert read == derived
    assert read[filial.pk][6] == {"Курская обл."}


def document_facts(document, locale=None):
    hit = facets.Hit(facets.DOCUMENT, document.pk)
    labels = facets.describe([hit], locale or Locale.get_default())
    return (
        hit.cooperations,
        {labels["cooperation"][key] for key in hit.cooperations},
        str(hit.description),
    )


def test_a_documents_facts_are_kept_and_follow_its_publications(kept):
    publication, cooperation = kept["publication"], kept["cooperation"]
    document = wagtail_factories.DocumentFactory(title="Никольские встречи (PDF)")
    publication.document = document
    publication.save_revision().publish()
    expected = ({cooperation.pk}, {"Никольское"}, publication.intro)
    assert document_facts(document) == expected
    assert DocumentFacts.objects.filter(document=document).count() == 1
    locale = Locale.get_default()
    with CaptureQueriesContext(connection) as captured:
        assert document_facts(document, locale) == expected
    # The document itself, then its kept facts.
    assert len(captured.captured_queries) == 2
    publication.unpublish()
    assert document_facts(document) == (set(), set(), "")
