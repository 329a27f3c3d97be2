"""The editorial round trip in Debian's Chromium, through the real admin: a library's editor
edits the library page and submits it, the cooperation's moderator approves it, a reader sees it.

Set-up conventions follow test_navigation.py: Playwright drives /usr/bin/chromium against
pytest-django's live server, screenshots go to test-artifacts/screenshots/<test name>/, the test
skips locally without Chromium and fails under CI=1.
"""

import re

import pytest
from chromium import CHROMIUM_ARGS, TIMEOUT_MS
from django.core import mail
from wagtail.models import WorkflowState

from partnerships.factories import (
    PASSWORD,
    CooperationFactory,
    LibraryFactory,
    SettlementFactory,
    editor_of,
    moderator_of,
)
from partnerships.models import LibraryPage

OLD_INTRO = "Сельская библиотека на берегу Оскола: книги, краеведение и клуб любителей чтения."
NEW_INTRO = "С марта в читальном зале Никольской библиотеки открыта выставка «Тёзки на карте»."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(hub, belgorod, kursk):
    """«Никольское» with two member libraries, an editor of the first and a moderator."""
    home_village = SettlementFactory(
        name="Никольское", title="Никольское (Белгородская область)", region=belgorod
    )
    other_village = SettlementFactory(
        name="Никольское", title="Никольское (Курская область)", region=kursk
    )
    library = LibraryFactory(
        parent=home_village, title="Никольская сельская библиотека", intro=OLD_INTRO
    )
    partner = LibraryFactory(parent=other_village, title="Никольская библиотека-филиал")
    cooperation = CooperationFactory(
        settlement_name="Никольское",
        title="Содружество «Никольское»",
        members=[library, partner],
    )
    return {
        "library": library,
        "cooperation": cooperation,
        "editor": editor_of(library, "editor-nikolskoe"),
        "moderator": moderator_of(cooperation, "moderator-nikolskoe"),
    }


class Browser:
    """One Chromium per session; every person gets a fresh context (own cookies)."""

    def __init__(self, playwright, executable_path, base_url):
        self.browser = playwright.chromium.launch(
            executable_path=executable_path, args=CHROMIUM_ARGS
        )
        self.base_url = base_url
        self.errors = []

    def person(self):
        context = self.browser.new_context(
            locale="ru-RU", viewport={"width": 1280, "height": 900}, base_url=self.base_url
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page

    def log_in(self, username):
        """Through the admin's own login form, as a librarian would."""
        from playwright.sync_api import expect

        page = self.person()
        page.goto("/admin/login/")
        page.get_by_label("Имя пользователя").fill(username)
        # Wagtail's login form gives the password field no label of its own (Django falls back
        # to the untranslated field name), so it is found by its Russian placeholder.
        page.get_by_placeholder("Введите пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        page.wait_for_load_state()
        expect(page.get_by_role("main")).to_contain_text(re.compile(r"\S"))
        return page

    def close(self):
        self.browser.close()


def footer_action(page, name):
    """Open the page editor's action menu (Wagtail's footer dropdown) and find an action."""
    from playwright.sync_api import expect

    footer = page.locator("footer")
    footer.get_by_role("button", name="Больше действий").click()
    button = footer.get_by_role("button", name=name)
    expect(button).to_be_visible()
    return button


def intro_field(page):
    return page.get_by_role("textbox", name="Краткое описание")


def explorer_row(page, title):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


def test_editor_submits_moderator_approves_reader_sees(
    live_server, chromium_path, world, screenshots
):
    library = world["library"]
    title = library.title
    edit_path = f"/admin/pages/{library.pk}/edit/"
    public_path = library.get_url()
    workflow_name = world["cooperation"].team.workflow.name
    mail.outbox.clear()
    # Playwright's sync API keeps an event loop running in this thread and Django refuses
    # database queries there, so the database is read only between the browser sessions.
    from playwright.sync_api import expect, sync_playwright

    # 1. The editor changes the library's intro and submits it to the cooperation's moderators.
    with sync_playwright() as playwright:
        browser = Browser(playwright, chromium_path, live_server.url)
        try:
            editor = browser.log_in("editor-nikolskoe")
            screenshots(editor, "editor-dashboard")

            editor.goto(edit_path)
            expect(editor.get_by_role("heading", level=1)).to_contain_text(title)
            expect(intro_field(editor)).to_have_value(OLD_INTRO)
            intro_field(editor).fill(NEW_INTRO)
            screenshots(editor, "editor-changes-intro")

            submit = footer_action(editor, re.compile(r"^Отправить (в|на) "))
            expect(submit).to_contain_text(workflow_name)
            expect(editor.locator("footer")).not_to_contain_text("Опубликовать")
            screenshots(editor, "editor-action-menu")
            submit.click()
            expect(editor.locator(".messages")).to_contain_text(
                f"Страница '{title}' была отправлена на модерацию."
            )
            expect(explorer_row(editor, title)).to_contain_text(
                re.compile("на модерации", re.IGNORECASE)
            )
            screenshots(editor, "editor-submitted")

            editor.goto(edit_path)
            expect(editor.locator(".messages")).to_contain_text("ожидает модерации")
            expect(intro_field(editor)).to_have_value(NEW_INTRO)
            screenshots(editor, "editor-page-in-moderation")

            reader = browser.person()
            reader.goto(public_path)
            expect(reader.get_by_role("heading", level=1)).to_have_text(title)
            expect(reader.locator("main")).to_contain_text(OLD_INTRO)
            expect(reader.locator("main")).not_to_contain_text(NEW_INTRO)
            screenshots(reader, "reader-before-approval")
        finally:
            browser.close()

    assert browser.errors == []
    state = WorkflowState.objects.get(object_id=str(library.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by.username == "editor-nikolskoe"
    library.refresh_from_db()
    assert library.live and library.has_unpublished_changes
    assert library.intro == OLD_INTRO, "the live page must not change before approval"
    assert library.get_latest_revision_as_object().intro == NEW_INTRO
    assert [message.to for message in mail.outbox] == [["moderator-nikolskoe@example.org"]]
    assert title in mail.outbox[0].body
    mail.outbox.clear()

    # 2. The moderator finds the page awaiting review on the dashboard and approves it;
    #    then a reader sees the new sentence on the public page.
    with sync_playwright() as playwright:
        browser = Browser(playwright, chromium_path, live_server.url)
        try:
            moderator = browser.log_in("moderator-nikolskoe")
            awaiting = moderator.get_by_role("region", name="В ожидании вашего отзыва")
            expect(awaiting).to_contain_text(title)
            screenshots(moderator, "moderator-dashboard")

            awaiting.get_by_role("link", name=title, exact=True).click()
            expect(moderator).to_have_url(re.compile(rf"{edit_path}$"))
            expect(intro_field(moderator)).to_have_value(NEW_INTRO)
            approve = footer_action(
                moderator, re.compile(r"^Утвердить( и опубликовать)?$", re.IGNORECASE)
            )
            screenshots(moderator, "moderator-action-menu")
            approve.click()
            expect(moderator).not_to_have_url(re.compile(rf"{edit_path}$"))
            messages = moderator.locator(".messages")
            expect(messages.get_by_role("listitem").first).to_be_visible()
            screenshots(moderator, "moderator-approved")
            expect(messages).not_to_contain_text("нет доступа")
            expect(messages).to_contain_text(f"Страница '{title}' обновлена.")
            moderator.goto("/admin/")
            awaiting = moderator.get_by_role("region", name="В ожидании вашего отзыва")
            expect(awaiting.get_by_role("link", name=title, exact=True)).to_have_count(0)
            screenshots(moderator, "moderator-dashboard-after")

            reader = browser.person()
            reader.goto(public_path)
            expect(reader.get_by_role("heading", level=1)).to_have_text(title)
            expect(reader.locator("main")).to_contain_text(NEW_INTRO)
            expect(reader.locator("main")).not_to_contain_text(OLD_INTRO)
            screenshots(reader, "reader-after-approval")
        finally:
            browser.close()

    assert browser.errors == []
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    library = LibraryPage.objects.get(pk=library.pk)
    assert library.live and not library.has_unpublished_changes
    assert library.intro == NEW_INTRO
    assert [message.to for message in mail.outbox] == [["editor-nikolskoe@example.org"]]

    assert [path.name for path in screenshots.taken] == [
        "01-editor-dashboard.png",
        "02-editor-changes-intro.png",
        "03-editor-action-menu.png",
        "04-editor-submitted.png",
        "05-editor-page-in-moderation.png",
        "06-reader-before-approval.png",
        "07-moderator-dashboard.png",
        "08-moderator-action-menu.png",
        "09-moderator-approved.png",
        "10-moderator-dashboard-after.png",
        "11-reader-after-approval.png",
    ]
    assert all(path.stat().st_size > 10_000 for path in screenshots.taken)
