"""`partnerships_setup` installs the hub once; running it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Locale, Page, Site

from partnerships.models import (
    CooperationIndexPage,
    EventIndexPage,
    PublicationIndexPage,
    Region,
    SettlementIndexPage,
)

pytestmark = pytest.mark.django_db

SECTION_TITLES = ["Содружества", "Населённые пункты", "Мероприятия", "Издания"]

TEAMS_LINE = (
    "Teams provisioned: 0 libraries, 0 cooperations; hub administrators: «Администраторы хаба»"
)


def run_setup():
    out = StringIO()
    call_command("partnerships_setup", stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "pages": list(Page.objects.order_by("path").values_list("path", "slug", "title")),
        "regions": list(Region.objects.order_by("code").values_list("code", "name")),
        "locales": sorted(Locale.objects.values_list("language_code", flat=True)),
    }


def test_setup_installs_locales_regions_and_sections():
    output = run_setup()
    home = Site.objects.get(is_default_site=True).root_page

    assert sorted(Locale.objects.values_list("language_code", flat=True)) == ["en", "ru"]
    assert Region.objects.count() == 85
    assert Region.objects.get(code="14").name == "Белгородская область"
    assert Region.objects.filter(code="14").get().is_home_region
    sections = [page.specific for page in home.get_children().order_by("path")]
    assert [type(page) for page in sections] == [
        CooperationIndexPage,
        SettlementIndexPage,
        EventIndexPage,
        PublicationIndexPage,
    ]
    assert [page.title for page in sections] == SECTION_TITLES
    assert all(page.live and page.intro for page in sections)
    assert all(page.locale.language_code == "ru" for page in sections)

    assert output.strip().splitlines() == [
        "Locales added: en; regions added: 85; sections added: " + ", ".join(SECTION_TITLES),
        TEAMS_LINE,
    ]


def test_setup_twice_changes_nothing():
    run_setup()
    first = snapshot()
    output = run_setup()
    assert snapshot() == first
    assert len(first["pages"]) == 1 + 1 + 4  # root, home, four sections
    assert output.strip().splitlines() == [
        "Locales added: none; regions added: 0; sections added: none",
        TEAMS_LINE,
    ]


def test_setup_completes_a_partial_install():
    """A site that lost a section and some regions gets only what is missing."""
    run_setup()
    home = Site.objects.get(is_default_site=True).root_page
    EventIndexPage.objects.child_of(home).get().delete()
    Region.objects.filter(code__in=["14", "38"]).delete()

    output = run_setup()

    assert output.strip().splitlines() == [
        "Locales added: none; regions added: 2; sections added: Мероприятия",
        TEAMS_LINE,
    ]
    assert EventIndexPage.objects.child_of(home).count() == 1
    assert Region.objects.count() == 85


def test_setup_without_a_default_site_fails_clearly():
    Site.objects.all().delete()
    with pytest.raises(CommandError, match="Нет сайта по умолчанию"):
        run_setup()
    assert not Region.objects.exists()
