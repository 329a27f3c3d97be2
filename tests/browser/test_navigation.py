"""A reader walks the demo hub in Debian's Chromium: home → cooperation → library → event → back
by the breadcrumbs, with screenshots of every step."""

from io import StringIO

import pytest
from chromium import CHROMIUM_ARGS, TIMEOUT_MS
from django.core.management import call_command
from django.db.models import Q

from partnerships.models import CooperationPage, EventPage, LibraryPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def walk_plan():
    """A cooperation, one of its current members, and an upcoming event that library hosts
    or takes part in (the library page lists its soonest ones)."""
    for cooperation in CooperationPage.objects.live().order_by("title"):
        for library in cooperation.current_members().order_by("title"):
            event = (
                EventPage.objects.live()
                .upcoming()
                .filter(Q(venue_library=library) | Q(partner_libraries=library))
                .order_by("starts_at", "pk")
                .first()
            )
            if event is not None:
                return cooperation, LibraryPage.objects.get(pk=library.pk), event
    raise AssertionError("the demo has no library with an upcoming event")


def test_reader_walks_from_home_to_an_event_and_back(live_server, chromium_path, screenshots):
    call_command("partnerships_demo", stdout=StringIO())
    cooperation, library, event = walk_plan()
    # Page titles are read now: Playwright's sync API runs an event loop in this thread, and
    # Django refuses database queries from a thread with a running loop.
    titles = {
        "cooperation": cooperation.title,
        "library": library.title,
        "event": event.title,
        "home": cooperation.get_parent().get_parent().title,
        "section": cooperation.get_parent().title,
    }

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="ru-RU", viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            heading = page.get_by_role("heading", level=1)

            page.goto(live_server.url + "/")
            expect(heading).to_have_text(titles["home"])
            screenshots(page, "home")

            page.get_by_role("navigation", name="Основные разделы").get_by_role(
                "link", name=titles["section"]
            ).click()
            expect(heading).to_have_text(titles["section"])
            screenshots(page, "cooperations")

            page.get_by_role("link", name=titles["cooperation"], exact=True).first.click()
            expect(heading).to_have_text(titles["cooperation"])
            screenshots(page, "cooperation")

            page.get_by_role("link", name=titles["library"], exact=True).first.click()
            expect(heading).to_have_text(titles["library"])
            screenshots(page, "library")

            page.get_by_role("link", name=titles["event"], exact=True).first.click()
            expect(heading).to_have_text(titles["event"])
            screenshots(page, "event")

            breadcrumbs = page.get_by_role("navigation", name="Вы здесь")
            expect(breadcrumbs).to_contain_text(titles["cooperation"])
            breadcrumbs.get_by_role("link", name=titles["cooperation"], exact=True).click()
            expect(heading).to_have_text(titles["cooperation"])
            screenshots(page, "back-to-cooperation")

            page.get_by_role("navigation", name="Вы здесь").get_by_role(
                "link", name="Главная"
            ).click()
            expect(heading).to_have_text(titles["home"])
            assert page.url.rstrip("/") == live_server.url
            screenshots(page, "back-home")
        finally:
            browser.close()

    assert [path.name for path in screenshots.taken] == [
        "01-home.png",
        "02-cooperations.png",
        "03-cooperation.png",
        "04-library.png",
        "05-event.png",
        "06-back-to-cooperation.png",
        "07-back-home.png",
    ]
    assert all(path.stat().st_size > 10_000 for path in screenshots.taken)
