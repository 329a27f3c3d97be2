"""Joining and leaving by a message on the platform (§1.3, §5.3), through the real admin views."""

from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from wagtail.admin.menu import admin_menu
from wagtail.log_actions import registry as log_registry
from wagtail.models import PageLogEntry

from partnerships import membership
from partnerships.choices import MembershipChangeKind, MembershipChangeStatus
from partnerships.factories import (
    CooperationFactory,
    LibraryFactory,
    SettlementFactory,
    editor_of,
    moderator_of,
)
from partnerships.models import ChroniclePage, EventPage, MembershipChange
from partnerships.teams import sync_membership_rights

LIBRARY_URL = reverse("partnerships_membership:library")
REQUESTS_URL = reverse("partnerships_membership:requests")
MESSAGE = "Просим принять библиотеку в Соглашение: готовы вести краеведческие чтения."


def file_url(library):
    return reverse("partnerships_membership:file", args=[library.pk])


def approve_url(change):
    return reverse("partnerships_membership:approve", args=[change.pk])


def reject_url(change):
    return reverse("partnerships_membership:reject", args=[change.pk])


def add_event_url(cooperation):
    return reverse("wagtailadmin_pages:add", args=["partnerships", "eventpage", cooperation.pk])


def request_data(cooperation, kind=MembershipChangeKind.JOIN, message=MESSAGE):
    return {"cooperation": str(cooperation.pk), "kind": kind, "message": message}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def refused_by_wagtail(response):
    """Wagtail answers PermissionDenied in its views with a redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def russian_date(day):
    with translation.override("ru"):
        return dateformat.format(day, "j E Y")


@pytest.fixture
def party(hub, cooperation, belgorod):
    """A third «Никольское» library that is not yet a party, its editor and the moderator."""
    village = SettlementFactory(
        name="Никольское", title="Никольское (Шебекинский округ)", region=belgorod
    )
    newcomer = LibraryFactory(parent=village, title="Никольская школьная библиотека")
    sync_membership_rights(cooperation.page)
    return SimpleNamespace(
        cooperation=cooperation.page,
        newcomer=newcomer,
        member=cooperation.libraries[1],
        editor=editor_of(newcomer, username="newcomer-editor"),
        member_editor=editor_of(cooperation.libraries[1], username="member-editor"),
        moderator=moderator_of(cooperation.page, username="moderator"),
    )


@pytest.fixture
def alekseevka(hub, belgorod):
    """Another name: an «Алексеевка» library, its cooperation, editor and moderator."""
    village = SettlementFactory(name="Алексеевка", title="Алексеевка", region=belgorod)
    library = LibraryFactory(parent=village, title="Алексеевская сельская библиотека")
    cooperation = CooperationFactory(
        settlement_name="Алексеевка", title="Содружество «Алексеевка»", members=[library]
    )
    return SimpleNamespace(
        library=library,
        cooperation=cooperation,
        editor=editor_of(library, username="alekseevka-editor"),
        moderator=moderator_of(cooperation, username="alekseevka-moderator"),
    )


def file_request(party, library=None, editor=None, kind=MembershipChangeKind.JOIN):
    library = library or party.newcomer
    response = client_for(editor or party.editor).post(
        file_url(library), request_data(party.cooperation, kind)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return MembershipChange.objects.get(library=library, status=MembershipChangeStatus.PENDING)


# --- The whole way: join, then leave -----------------------------------------------------------


def test_join_request_approved_makes_a_party_with_rights_history_and_chronicle(client, party):
    editor_client = client_for(party.editor)
    assert refused_by_wagtail(editor_client.get(add_event_url(party.cooperation)))

    page = editor_client.get(LIBRARY_URL)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Содружество «Никольское»" in content
    assert "библиотека не участвует в Соглашении" in content

    mail.outbox.clear()
    response = editor_client.post(file_url(party.newcomer), request_data(party.cooperation))
    assert response.status_code == 302
    change = MembershipChange.objects.get(library=party.newcomer)
    assert change.status == MembershipChangeStatus.PENDING
    assert change.requested_by == party.editor
    assert change.message == MESSAGE
    assert party.newcomer not in party.cooperation.current_members()
    assert [message.to for message in mail.outbox] == [["moderator@example.org"]]
    notice = mail.outbox[0]
    assert "Никольская школьная библиотека" in notice.subject
    assert MESSAGE in notice.body
    assert settings.WAGTAILADMIN_BASE_URL.rstrip("/") + REQUESTS_URL in notice.body
    assert "на рассмотрении у модераторов" in editor_client.get(LIBRARY_URL).content.decode()

    moderator_client = client_for(party.moderator)
    listing = moderator_client.get(REQUESTS_URL)
    assert listing.status_code == 200
    assert MESSAGE in listing.content.decode()
    assert approve_url(change) in listing.content.decode()

    mail.outbox.clear()
    response = moderator_client.post(approve_url(change), {"comment": "Добро пожаловать!"})
    assert response.status_code == 302
    change.refresh_from_db()
    today = timezone.localdate()
    assert change.status == MembershipChangeStatus.APPROVED
    assert change.date == today
    assert change.decided_by == party.moderator
    assert change.decided_at is not None
    assert party.newcomer in party.cooperation.current_members()

    # Rights at once: the new party's editor may now draft joint work in the cooperation.
    assert editor_client.get(add_event_url(party.cooperation)).status_code == 200

    # The editors are told, and only they.
    assert [message.to for message in mail.outbox] == [["newcomer-editor@example.org"]]
    assert "приняли заявку" in mail.outbox[0].body
    assert "Добро пожаловать!" in mail.outbox[0].body

    entry = ChroniclePage.objects.get(cooperation=party.cooperation)
    assert entry.live
    assert entry.date == today
    assert entry.title == "Библиотека «Никольская школьная библиотека» присоединилась к Соглашению"
    assert entry.get_parent().pk == party.cooperation.pk

    public = client.get(party.cooperation.url).content.decode()
    assert entry.title in public
    history = BeautifulSoup(public, "html.parser").select("ol.timeline li")
    row = next(item for item in history if "Никольская школьная библиотека" in item.text)
    assert row.time["datetime"] == f"{today:%Y-%m-%d}"
    assert row.time.text == russian_date(today)
    assert "Присоединение к Соглашению" in row.text
    assert MESSAGE[:40] in row.text

    actions = set(
        PageLogEntry.objects.filter(page=party.cooperation).values_list("action", flat=True)
    )
    assert {membership.REQUESTED, membership.APPROVED} <= actions
    approved = PageLogEntry.objects.get(page=party.cooperation, action=membership.APPROVED)
    assert approved.user == party.moderator
    assert approved.data["library"] == "Никольская школьная библиотека"


def test_leave_request_approved_takes_the_rights_away_at_once(client, party):
    member_client = client_for(party.member_editor)
    assert member_client.get(add_event_url(party.cooperation)).status_code == 200
    assert "библиотека участвует в Соглашении" in member_client.get(LIBRARY_URL).content.decode()

    change = file_request(
        party, library=party.member, editor=party.member_editor, kind=MembershipChangeKind.LEAVE
    )
    response = client_for(party.moderator).post(approve_url(change), {"comment": ""})
    assert response.status_code == 302

    assert party.member not in party.cooperation.current_members()
    assert refused_by_wagtail(member_client.get(add_event_url(party.cooperation)))
    response = member_client.post(
        add_event_url(party.cooperation), {"title": "Черновик после выхода", "slug": "after"}
    )
    assert refused_by_wagtail(response)
    assert not EventPage.objects.exists()

    entry = ChroniclePage.objects.get(cooperation=party.cooperation)
    assert entry.title == "Библиотека «Никольская библиотека-филиал» вышла из Соглашения"
    assert entry.title in client.get(party.cooperation.url).content.decode()
    # The Kursk library has left: the rest are in Belgorod oblast.
    party.cooperation.refresh_from_db()
    assert party.cooperation.level == "intermunicipal"
    actions = list(
        PageLogEntry.objects.filter(page=party.cooperation).values_list("action", flat=True)
    )
    assert membership.APPROVED in actions
    assert "partnerships.rights_revoked" in actions


def test_membership_actions_have_russian_labels_in_the_page_history(admin_client, party):
    change = file_request(party)
    membership.reject_change(change, party.moderator, "Нужен протокол собрания.")
    for action, label in membership.LOG_ACTIONS.items():
        assert log_registry.action_exists(action)
        assert dict(log_registry.get_choices())[action] == label
    history = admin_client.get(reverse("wagtailadmin_pages:history", args=[party.cooperation.pk]))
    content = history.content.decode()
    assert "Библиотека подала заявку на участие в Соглашении" in content
    assert "Модератор отклонил заявку на участие" in content


# --- Rejection -------------------------------------------------------------------------------


def test_rejection_tells_the_editors_why(party):
    change = file_request(party)
    mail.outbox.clear()
    response = client_for(party.moderator).post(
        reject_url(change), {"comment": "Пришлите, пожалуйста, решение учредителя."}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == MembershipChangeStatus.REJECTED
    assert change.decision_comment == "Пришлите, пожалуйста, решение учредителя."
    assert party.newcomer not in party.cooperation.current_members()
    assert not ChroniclePage.objects.exists()
    assert [message.to for message in mail.outbox] == [["newcomer-editor@example.org"]]
    assert "Пришлите, пожалуйста, решение учредителя." in mail.outbox[0].body
    assert "отклонили" in mail.outbox[0].body
    page = client_for(party.editor).get(LIBRARY_URL).content.decode()
    assert "Пришлите, пожалуйста, решение учредителя." in page
    assert PageLogEntry.objects.filter(page=party.cooperation, action=membership.REJECTED).exists()


def test_rejection_without_a_comment_is_refused(party):
    change = file_request(party)
    mail.outbox.clear()
    response = client_for(party.moderator).post(reject_url(change), {"comment": "  "})
    assert response.status_code == 400
    assert "Напишите, почему заявка отклонена" in response.content.decode()
    change.refresh_from_db()
    assert change.status == MembershipChangeStatus.PENDING
    assert not mail.outbox


def test_a_decided_request_is_not_decided_again(party):
    change = file_request(party)
    moderator_client = client_for(party.moderator)
    assert moderator_client.post(reject_url(change), {"comment": "Нет."}).status_code == 302
    response = moderator_client.post(approve_url(change), {"comment": ""}, follow=True)
    assert "Эта заявка уже рассмотрена." in response.content.decode()
    change.refresh_from_db()
    assert change.status == MembershipChangeStatus.REJECTED
    assert party.newcomer not in party.cooperation.current_members()


# --- What editors may not ask ------------------------------------------------------------------


def test_library_of_another_settlement_name_cannot_ask_to_join(party, alekseevka):
    mail.outbox.clear()
    before = MembershipChange.objects.count()
    response = client_for(alekseevka.editor).post(
        file_url(alekseevka.library), request_data(party.cooperation)
    )
    assert response.status_code == 400
    assert (
        "Библиотека «Алексеевская сельская библиотека» находится в населённом пункте "
        "«Алексеевка», а содружество объединяет библиотеки населённых пунктов «Никольское»."
    ) in response.content.decode()
    assert MembershipChange.objects.count() == before
    assert not mail.outbox


def test_library_screen_says_when_no_cooperation_of_its_name_exists(hub, belgorod):
    village = SettlementFactory(name="Ржавец", title="Ржавец", region=belgorod)
    library = LibraryFactory(parent=village, title="Ржавецкая библиотека")
    response = client_for(editor_of(library, username="rzhavets")).get(LIBRARY_URL)
    assert response.status_code == 200
    assert "Содружества библиотек населённых пунктов «Ржавец» пока нет." in (
        response.content.decode()
    )


def test_editor_cannot_file_for_a_library_they_do_not_edit(party):
    response = client_for(party.editor).post(
        file_url(party.member), request_data(party.cooperation, MembershipChangeKind.LEAVE)
    )
    assert response.status_code == 403
    assert not MembershipChange.objects.filter(status=MembershipChangeStatus.PENDING).exists()
    assert party.member in party.cooperation.current_members()


def test_second_pending_request_is_refused(party):
    file_request(party)
    response = client_for(party.editor).post(
        file_url(party.newcomer), request_data(party.cooperation)
    )
    assert response.status_code == 400
    assert "уже на рассмотрении" in response.content.decode()
    assert MembershipChange.objects.filter(library=party.newcomer).count() == 1


@pytest.mark.parametrize(
    ("who", "kind", "error"),
    [
        ("member", MembershipChangeKind.JOIN, "уже участвует в Соглашении содружества"),
        ("newcomer", MembershipChangeKind.LEAVE, "выходить ей не из чего"),
    ],
)
def test_join_while_a_party_and_leave_while_not_are_refused(party, who, kind, error):
    library = getattr(party, who)
    editor = party.member_editor if who == "member" else party.editor
    response = client_for(editor).post(file_url(library), request_data(party.cooperation, kind))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not MembershipChange.objects.filter(status=MembershipChangeStatus.PENDING).exists()


def test_empty_message_is_refused_in_russian(party):
    response = client_for(party.editor).post(
        file_url(party.newcomer), request_data(party.cooperation, message="   ")
    )
    assert response.status_code == 400
    assert "Напишите сообщение: о чём библиотека заявляет содружеству." in (
        response.content.decode()
    )
    assert not MembershipChange.objects.filter(library=party.newcomer).exists()


def test_the_service_refuses_an_empty_message_too(party):
    with pytest.raises(membership.ValidationError) as refused:
        membership.request_change(party.newcomer, MembershipChangeKind.JOIN, "", party.editor)
    assert "Напишите сообщение" in str(refused.value)
    assert not MembershipChange.objects.filter(library=party.newcomer).exists()


# --- Forged decisions --------------------------------------------------------------------------


@pytest.mark.parametrize("forger", ["editor", "member_editor", "other_moderator"])
@pytest.mark.parametrize("url", [approve_url, reject_url])
def test_forged_decision_is_forbidden_and_changes_nothing(party, alekseevka, forger, url):
    change = file_request(party)
    user = alekseevka.moderator if forger == "other_moderator" else getattr(party, forger)
    mail.outbox.clear()
    response = client_for(user).post(url(change), {"comment": "Подделка"})
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == MembershipChangeStatus.PENDING
    assert change.decided_by is None
    assert party.newcomer not in party.cooperation.current_members()
    assert not ChroniclePage.objects.exists()
    assert not mail.outbox


def test_other_cooperations_requests_are_not_listed(party, alekseevka):
    file_request(party)
    response = client_for(alekseevka.moderator).get(REQUESTS_URL)
    assert response.status_code == 200
    assert MESSAGE not in response.content.decode()
    assert "Заявок на рассмотрении нет." in response.content.decode()


def test_decisions_need_post_and_a_csrf_token(party):
    change = file_request(party)
    assert client_for(party.moderator).get(approve_url(change)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(party.moderator)
    assert strict.post(approve_url(change), {"comment": ""}).status_code == 403
    change.refresh_from_db()
    assert change.status == MembershipChangeStatus.PENDING


def test_anonymous_visitor_is_sent_to_the_login(client, party):
    change = file_request(party)
    response = client.post(approve_url(change))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    change.refresh_from_db()
    assert change.status == MembershipChangeStatus.PENDING


def test_screens_and_menu_items_follow_the_roles(party):
    assert client_for(party.moderator).get(LIBRARY_URL).status_code == 403
    assert client_for(party.editor).get(REQUESTS_URL).status_code == 403

    def menu_names(user):
        request = RequestFactory().get("/admin/")
        request.user = user
        return {item.name for item in admin_menu.menu_items_for_request(request)}

    assert "partnerships-membership" in menu_names(party.editor)
    assert "partnerships-membership-requests" not in menu_names(party.editor)
    assert "partnerships-membership-requests" in menu_names(party.moderator)
    assert "partnerships-membership" not in menu_names(party.moderator)


def test_hub_administrator_decides_in_every_cooperation(admin_client, party):
    change = file_request(party)
    assert MESSAGE in admin_client.get(REQUESTS_URL).content.decode()
    assert admin_client.post(approve_url(change), {"comment": ""}).status_code == 302
    assert party.newcomer in party.cooperation.current_members()


# --- The history screen: rights follow its rows through the signal, once -----------------------


def history_row(cooperation, library, kind, on, status=MembershipChangeStatus.APPROVED):
    return {
        "cooperation": str(cooperation.pk),
        "library": str(library.pk),
        "kind": kind,
        "date": on,
        "status": status,
        "message": "",
        "decision_comment": "",
    }


def granted_entries(cooperation):
    return PageLogEntry.objects.filter(page=cooperation, action="partnerships.rights_granted")


def test_a_join_recorded_in_the_history_grants_rights_once_in_the_admins_name(
    admin_client, superuser, party
):
    before = granted_entries(party.cooperation).count()
    pending = history_row(
        party.cooperation,
        party.newcomer,
        MembershipChangeKind.JOIN,
        "2024-05-01",
        MembershipChangeStatus.PENDING,
    )
    assert admin_client.post(reverse("membership_history:add"), pending).status_code == 302
    assert granted_entries(party.cooperation).count() == before
    assert refused_by_wagtail(client_for(party.editor).get(add_event_url(party.cooperation)))

    row = MembershipChange.objects.get(library=party.newcomer)
    approved = history_row(
        party.cooperation, party.newcomer, MembershipChangeKind.JOIN, "2024-05-01"
    )
    response = admin_client.post(reverse("membership_history:edit", args=[row.pk]), approved)
    assert response.status_code == 302
    entries = granted_entries(party.cooperation)
    assert entries.count() == before + 1
    assert entries.latest("pk").user == superuser
    assert client_for(party.editor).get(add_event_url(party.cooperation)).status_code == 200


def test_a_refused_deletion_in_the_history_rolls_back_what_the_sync_did(admin_client, party):
    """The signal syncs inside the delete view's transaction: a refusal undoes it too."""
    cooperation = party.cooperation
    leave = MembershipChange.objects.create(
        cooperation=cooperation,
        library=party.member,
        kind=MembershipChangeKind.LEAVE,
        date=timezone.localdate(),
    )
    MembershipChange.objects.create(
        cooperation=cooperation,
        library=party.member,
        kind=MembershipChangeKind.JOIN,
        date=timezone.localdate(),
    )
    # A party recorded behind the signal's back has no rights yet: any sync would give them.
    MembershipChange.objects.bulk_create(
        [
            MembershipChange(
                cooperation=cooperation,
                library=party.newcomer,
                kind=MembershipChangeKind.JOIN,
                date=cooperation.agreement_signed_on,
            )
        ]
    )
    before = granted_entries(cooperation).count()
    assert refused_by_wagtail(client_for(party.editor).get(add_event_url(cooperation)))

    # Without the leave, the member would join twice in a row: refused.
    response = admin_client.post(reverse("membership_history:delete", args=[leave.pk]), follow=True)
    assert "Запись не удалена" in response.content.decode()
    assert MembershipChange.objects.filter(pk=leave.pk).exists()
    assert granted_entries(cooperation).count() == before
    assert refused_by_wagtail(client_for(party.editor).get(add_event_url(cooperation)))
