"""`partnerships_demo` builds a realistic hub once: every page renders, every rule holds."""

from io import StringIO

from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import TestCase
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from partnerships.choices import MembershipChangeKind, MembershipChangeStatus
from partnerships.models import (
    CooperationContentMixin,
    CooperationPage,
    District,
    EventPage,
    LibraryPage,
    MembershipChange,
    PublicationPage,
    Region,
    SettlementPage,
    WorkPlanPage,
)
from partnerships.models.cooperations import check_namesake, membership_history_errors


def stored_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Page,
            MembershipChange,
            Region,
            District,
            get_image_model(),
            get_document_model(),
        )
    }


class DemoContentTests(TestCase):
    """The demo is built once for the class (it is the slow part) and rolled back after."""

    @classmethod
    def setUpTestData(cls):
        out = StringIO()
        call_command("partnerships_demo", stdout=out)
        cls.output = out.getvalue()

    def test_demo_figures(self):
        assert "Демо-контент построен" in self.output
        cooperations = CooperationPage.objects.live()
        settlements = SettlementPage.objects.live()
        assert cooperations.count() >= 6
        assert settlements.count() >= 20
        assert settlements.values("region").distinct().count() >= 8
        assert LibraryPage.objects.live().count() >= 25

        approved = MembershipChange.objects.approved()
        assert approved.filter(kind=MembershipChangeKind.JOIN).count() >= 25
        assert approved.filter(kind=MembershipChangeKind.LEAVE).exists()
        assert EventPage.objects.live().past().exists()
        assert EventPage.objects.live().upcoming().exists()

        illustrated = PublicationPage.objects.live().filter(
            document__isnull=False, cover__isnull=False
        )
        assert illustrated.exists()
        for publication in illustrated:
            assert publication.document.file.name.lower().endswith(".pdf")
            with publication.document.file.open("rb") as pdf:
                assert pdf.read(5) == b"%PDF-"
            assert publication.cover.width > 0 and publication.cover.height > 0

    def test_demo_keeps_the_rules(self):
        for cooperation in CooperationPage.objects.all():
            changes = list(cooperation.membership_changes.select_related("library__settlement"))
            errors = membership_history_errors(changes, cooperation.agreement_signed_on)
            assert not errors, (cooperation.title, errors)
            for change in changes:
                check_namesake(cooperation, change.library)
            assert cooperation.level == cooperation.derive_level(), cooperation.title
            assert cooperation.current_members().exists(), cooperation.title
        assert CooperationPage.objects.values("name_key").distinct().count() == (
            CooperationPage.objects.count()
        )
        for library in LibraryPage.objects.all():
            assert library.settlement_id == library.get_parent().pk, library.title
        for model in CooperationContentMixin.__subclasses__():
            for item in model.objects.all():
                assert item.cooperation_id == item.get_parent().pk, item.title
        for plan in WorkPlanPage.objects.prefetch_related("items"):
            for item in plan.items.all():
                item.full_clean()
        assert not MembershipChange.objects.exclude(
            status__in=MembershipChangeStatus.values
        ).exists()

    def test_every_demo_page_renders(self):
        pages = Page.objects.live().filter(depth__gte=2).specific()
        assert pages.count() >= 60
        for page in pages:
            response = self.client.get(page.url)
            assert response.status_code == 200, page.url
            headings = BeautifulSoup(response.content.decode(), "html.parser").find_all("h1")
            assert len(headings) == 1, page.url

    def test_second_run_creates_nothing(self):
        before = stored_counts()
        out = StringIO()
        call_command("partnerships_demo", stdout=out)
        assert stored_counts() == before
        assert "Демо-контент уже есть, ничего не изменено." in out.getvalue()
