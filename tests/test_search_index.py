"""The search follows the content at once, on every tier: publish, unpublish, delete, edit,
move, a library leaving a cooperation, a translation."""

from datetime import date

import pytest
from wagtail.models import Locale, PageViewRestriction

from partnerships.choices import MembershipChangeKind
from partnerships.factories import CooperationFactory, EventFactory, LibraryFactory
from partnerships.models import MembershipChange
from tests import test_search_support as support
from tests.test_search_support import FILIAL, NIKOLSKAYA, outcome, titles

tier = support.tier
opensearch_indices = support.opensearch_indices
content = support.content


def cooperation_facet(response):
    return {value.value: value.count for value in outcome(response).facets.get("cooperation", [])}


def test_a_draft_is_not_found_until_published(client, tier, content):
    village = content["villages"][0]
    draft = LibraryFactory(parent=village, title="Библиотека-читальня «Лукоморье»", live=False)
    draft.save_revision()
    assert titles(tier.search(client, "Лукоморье")) == []
    draft.get_latest_revision().publish()
    assert titles(tier.search(client, "Лукоморье")) == ["Библиотека-читальня «Лукоморье»"]


def test_unpublished_and_deleted_pages_leave_the_results(client, tier, content):
    library, filial = content["libraries"][0], content["libraries"][1]
    assert {NIKOLSKAYA, FILIAL} <= set(titles(tier.search(client, "библиотеки Никольского")))
    library.unpublish()
    found = titles(tier.search(client, "библиотеки Никольского"))
    assert NIKOLSKAYA not in found
    assert FILIAL in found
    filial.delete()
    found = titles(tier.search(client, "библиотеки Никольского"))
    assert FILIAL not in found


def test_an_edit_is_found_by_its_new_words(client, tier, content):
    library = content["libraries"][2]
    library.title = "Алексеевская библиотека-музей"
    library.intro = "Теперь здесь и музей самоваров."
    library.save_revision().publish()
    assert titles(tier.search(client, "самоваров")) == ["Алексеевская библиотека-музей"]
    assert "Алексеевская библиотека" not in titles(tier.search(client, "изба-читальня"))


def test_moving_a_page_changes_its_cooperation_and_its_visibility(client, tier, content):
    event = content["events"][2]
    other = CooperationFactory(settlement_name="Алексеевка", title="Содружество «Алексеевка»")
    response = tier.search(client, "семинар")
    assert cooperation_facet(response).get(content["cooperation"].pk) == 1
    event.move(other, pos="last-child")
    response = tier.search(client, "семинар", cooperation=str(other.pk))
    assert titles(response) == ["Семинар «Краеведческий фонд»"]
    assert content["cooperation"].pk not in cooperation_facet(response)
    # Moved below a page that is closed to the public, it is no longer found.
    closed = CooperationFactory(settlement_name="Покровка", title="Содружество «Покровка»")
    PageViewRestriction.objects.create(
        page=closed, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    event.refresh_from_db()
    event.move(closed, pos="last-child")
    assert "Семинар «Краеведческий фонд»" not in titles(tier.search(client, "семинар"))


def test_a_library_leaving_its_cooperation_leaves_the_cooperation_facet(client, tier, content):
    cooperation, library = content["cooperation"], content["libraries"][1]
    query = {"cooperation": str(cooperation.pk)}
    assert FILIAL in titles(tier.search(client, "библиотека", **query))
    MembershipChange.objects.create(
        cooperation=cooperation,
        library=library,
        kind=MembershipChangeKind.LEAVE,
        date=date.today(),
    )
    found = titles(tier.search(client, "библиотека", **query))
    assert FILIAL not in found
    assert NIKOLSKAYA in found


def test_a_translation_is_found_in_its_own_locale_only(client, tier, content):
    english = Locale.objects.get(language_code="en")
    event = content["events"][0]
    assert titles(tier.get(client, "/en/search/", query="christmas")) == []
    translated = event.copy_for_translation(english, copy_parents=True)
    translated.title = "Christmas tree at the library"
    translated.intro = "A party under the tree for the children."
    translated.save_revision().publish()
    assert titles(tier.get(client, "/en/search/", query="christmas")) == [
        "Christmas tree at the library"
    ]
    assert titles(tier.search(client, "christmas")) == []
    assert "Новогодняя ёлка в библиотеке" in titles(tier.search(client, "ёлка"))


@pytest.mark.parametrize("count", [3])
def test_new_events_are_found_at_once(client, tier, content, count):
    for number in range(count):
        EventFactory(
            parent=content["cooperation"],
            title=f"Краеведческие чтения № {number + 1}",
            kind="reading",
        )
    found = titles(tier.search(client, "краеведческие чтения"))
    assert {f"Краеведческие чтения № {n + 1}" for n in range(count)} <= set(found)
