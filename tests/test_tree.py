"""Parent/child rules make the design's content tree the only one an editor can build."""

from itertools import product

import pytest
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage
from partnerships.models import (
    ChroniclePage,
    CooperationIndexPage,
    CooperationPage,
    EventIndexPage,
    EventPage,
    LibraryPage,
    ProgramPage,
    PublicationIndexPage,
    PublicationPage,
    SettlementIndexPage,
    SettlementPage,
    WorkPlanPage,
)
from partnerships.setup import install

SECTIONS = [CooperationIndexPage, SettlementIndexPage, EventIndexPage, PublicationIndexPage]
JOINT_CONTENT = [ProgramPage, EventPage, PublicationPage, WorkPlanPage, ChroniclePage]

# parent → the page types that may be created below it (DESIGN.md, «Content tree»).
TREE = {
    HomePage: SECTIONS,
    CooperationIndexPage: [CooperationPage],
    CooperationPage: JOINT_CONTENT,
    SettlementIndexPage: [SettlementPage],
    SettlementPage: [LibraryPage],
    LibraryPage: [],
    EventIndexPage: [],
    PublicationIndexPage: [],
    **{model: [] for model in JOINT_CONTENT},
}
HUB_TYPES = list(TREE)


class TreeRulesTests(WagtailPageTestCase):
    def test_allowed_subpage_types(self):
        for parent, children in TREE.items():
            with self.subTest(parent=parent.__name__):
                self.assertAllowedSubpageTypes(parent, children)

    def test_allowed_parent_page_types(self):
        parents = {child: [] for child in HUB_TYPES}
        for parent, children in TREE.items():
            for child in children:
                parents[child].append(parent)
        parents[HomePage] = [Page]
        for child, expected in parents.items():
            with self.subTest(child=child.__name__):
                self.assertAllowedParentPageTypes(child, expected)

    def test_every_pair_of_hub_page_types(self):
        for parent, child in product(HUB_TYPES, HUB_TYPES):
            with self.subTest(parent=parent.__name__, child=child.__name__):
                if child in TREE[parent]:
                    self.assertCanCreateAt(parent, child)
                else:
                    self.assertCanNotCreateAt(parent, child)

    def test_only_the_home_page_goes_at_the_root(self):
        self.assertCanCreateAt(Page, HomePage)
        for model in HUB_TYPES:
            if model is not HomePage:
                with self.subTest(model=model.__name__):
                    self.assertCanNotCreateAt(Page, model)

    def test_sections_are_one_of_a_kind_under_a_home_page(self):
        for model in SECTIONS:
            with self.subTest(model=model.__name__):
                self.assertEqual(model.max_count_per_parent, 1)

    def test_content_pages_are_not_limited_in_number(self):
        for model in [CooperationPage, SettlementPage, LibraryPage, *JOINT_CONTENT]:
            with self.subTest(model=model.__name__):
                self.assertIsNone(model.max_count_per_parent)
                self.assertIsNone(model.max_count)


@pytest.mark.django_db
def test_a_second_section_of_a_kind_cannot_be_added():
    install()
    home = Site.objects.get(is_default_site=True).root_page.specific
    for model in SECTIONS:
        assert model.objects.child_of(home).count() == 1
        assert not model.can_create_at(home), model.__name__
    assert [m for m in home.creatable_subpage_models() if m.can_create_at(home)] == []


@pytest.mark.django_db
def test_another_home_page_gets_its_own_sections():
    install()
    other_home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Другой сайт", slug="other-home")
    )
    for model in SECTIONS:
        assert model.can_create_at(other_home), model.__name__
