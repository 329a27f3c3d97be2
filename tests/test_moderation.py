"""Editors submit, moderators decide: through the real admin views, with the e-mails they send."""

import pytest
from django.core import mail
from django.urls import reverse
from test_admin import add_url, event_data
from wagtail.models import PageLogEntry, WorkflowState

from partnerships.choices import MembershipChangeKind
from partnerships.factories import (
    CooperationFactory,
    LibraryFactory,
    SettlementFactory,
    editor_of,
    hub_admin,
    moderator_of,
)
from partnerships.models import EventPage, MembershipChange, PartyApproval


@pytest.fixture
def people(cooperation, kursk):
    """Editors of both member libraries, moderators of «Никольское» and of another cooperation."""
    first, second = cooperation.libraries
    village = SettlementFactory(name="Покровка", title="Покровка", region=kursk)
    other_library = LibraryFactory(parent=village, title="Покровская сельская библиотека")
    other = CooperationFactory(
        settlement_name="Покровка", title="Содружество «Покровка»", members=[other_library]
    )
    return {
        "editor_a": editor_of(first, "editor-a"),
        "editor_b": editor_of(second, "editor-b"),
        "moderator_a": moderator_of(cooperation.page, "moderator-a", library=first),
        "moderator_b": moderator_of(cooperation.page, "moderator-b", library=second),
        "moderator_y": moderator_of(other, "moderator-y"),
        "hub_admin": hub_admin(),
        "other": other,
    }


def submit_event(client, editor, cooperation_page, partner_libraries=()):
    client.force_login(editor)
    data = event_data(partner_libraries=partner_libraries)
    del data["action-publish"]
    data["action-submit"] = "action-submit"
    response = client.post(add_url(EventPage, cooperation_page), data)
    assert response.status_code == 302, (
        getattr(response, "context", {}) and response.context["form"].errors
    )
    return EventPage.objects.get(slug="seminar-kraevedenie")


def act(client, user, page, action, **data):
    client.force_login(user)
    state = page.current_workflow_task_state
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk]), data
    )


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_submission_goes_to_that_cooperations_moderators_only(client, cooperation, people):
    mail.outbox.clear()
    page = submit_event(client, people["editor_a"], cooperation.page)
    assert not page.live
    assert page.workflow_in_progress
    assert recipients() == ["moderator-a@example.org", "moderator-b@example.org"]
    message = mail.outbox[0]
    # Wagtail's Russian catalogue has zero-width spaces in this phrase; they do not show.
    assert "отправлена на модерацию" in message.subject.replace("\u200b", "")
    assert "Семинар «Краеведение в сельской библиотеке»" in message.body
    assert f"/admin/pages/{page.pk}/" in message.body


def test_moderator_approves_and_the_page_is_live_for_readers(client, cooperation, people):
    page = submit_event(client, people["editor_a"], cooperation.page)
    client.logout()
    assert client.get(page.url).status_code == 404
    mail.outbox.clear()
    response = act(client, people["moderator_b"], page, "approve")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    assert recipients() == ["editor-a@example.org"]
    client.logout()
    response = client.get(page.url)
    assert response.status_code == 200
    assert "Семинар «Краеведение в сельской библиотеке»" in response.content.decode()


def test_rejection_needs_a_comment_and_the_submitter_reads_it(client, cooperation, people):
    page = submit_event(client, people["editor_a"], cooperation.page)
    mail.outbox.clear()
    act(client, people["moderator_a"], page, "reject", comment="")
    page.refresh_from_db()
    assert page.workflow_in_progress, "a rejection without a reason must not go through"
    response = act(
        client, people["moderator_a"], page, "reject", comment="Уточните дату и место семинара."
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert WorkflowState.objects.get(object_id=str(page.pk)).status == "needs_changes"
    assert recipients() == ["editor-a@example.org"]
    assert "Уточните дату и место семинара." in mail.outbox[0].body
    assert "отклонена" in mail.outbox[0].subject.lower(), mail.outbox[0].subject


@pytest.mark.parametrize("outsider", ["editor_b", "moderator_y"])
def test_forged_approval_by_someone_without_the_right_is_refused(
    client, cooperation, people, outsider
):
    page = submit_event(client, people["editor_a"], cooperation.page)
    response = act(client, people[outsider], page, "approve")
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert not page.live and page.workflow_in_progress


def test_hub_administrator_may_approve_without_being_notified(client, cooperation, people):
    mail.outbox.clear()
    page = submit_event(client, people["editor_a"], cooperation.page)
    assert "hub-admin@example.org" not in recipients()
    act(client, people["hub_admin"], page, "approve")
    page.refresh_from_db()
    assert page.live


def test_editor_cannot_publish_by_a_forged_post(client, cooperation, people):
    client.force_login(people["editor_a"])
    response = client.post(add_url(EventPage, cooperation.page), event_data())
    assert response.status_code in (200, 302, 403)
    assert not EventPage.objects.filter(live=True).exists()


def test_all_parties_sign_off_publishes_after_the_last_party(client, cooperation, people):
    cooperation.page.all_parties_sign_off = True
    cooperation.page.save_revision().publish()
    first, second = cooperation.libraries
    page = submit_event(client, people["editor_a"], cooperation.page, [first, second])

    response = act(client, people["moderator_a"], page, "approve")
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert list(PartyApproval.objects.values_list("library_id", flat=True)) == [first.pk]

    # The same party cannot approve twice; the other party is still awaited.
    assert act(client, people["moderator_a"], page, "approve").status_code in (302, 403)
    assert PartyApproval.objects.count() == 1
    page.refresh_from_db()
    assert not page.live

    act(client, people["moderator_b"], page, "approve")
    page.refresh_from_db()
    assert page.live
    assert PageLogEntry.objects.filter(page=page, action="partnerships.party_approved").count() == 2


def test_all_parties_option_off_needs_one_moderator(client, cooperation, people):
    page = submit_event(client, people["editor_a"], cooperation.page, cooperation.libraries)
    act(client, people["moderator_a"], page, "approve")
    page.refresh_from_db()
    assert page.live


def test_library_pages_are_moderated_by_their_cooperation_or_the_hub(cooperation, kursk):
    library = cooperation.libraries[0]
    assert library.get_workflow() == cooperation.page.team.workflow
    village = SettlementFactory(name="Ольховка", title="Ольховка", region=kursk)
    loner = LibraryFactory(parent=village, title="Ольховская сельская библиотека")
    assert loner.get_workflow().name == "Модерация хаба"


def test_leaving_takes_rights_away_at_once_with_an_audit_entry(client, cooperation, people):
    first, second = cooperation.libraries
    client.force_login(people["editor_b"])
    assert client.get(add_url(EventPage, cooperation.page)).status_code == 200
    MembershipChange.objects.create(
        cooperation=cooperation.page,
        library=second,
        kind=MembershipChangeKind.LEAVE,
        date=cooperation.page.agreement_signed_on.replace(year=2024),
    )
    response = client.get(add_url(EventPage, cooperation.page))
    assert response.status_code in (302, 403)
    assert PageLogEntry.objects.filter(
        page=cooperation.page, action="partnerships.rights_revoked", data__library=second.title
    ).exists()
    # The library that stays keeps its rights (equality among the remaining parties).
    client.force_login(people["editor_a"])
    assert client.get(add_url(EventPage, cooperation.page)).status_code == 200


def test_moderator_approves_a_member_librarys_page_without_rights_on_it(
    client, cooperation, people
):
    """The cooperation's moderators have no page rights on its libraries; approval publishes."""
    library = cooperation.libraries[0]
    library.intro = "Библиотека открыла краеведческий уголок."
    revision = library.save_revision(user=people["editor_a"])
    library.get_workflow().start(library, people["editor_a"])
    library.refresh_from_db()
    assert library.workflow_in_progress
    assert not library.permissions_for_user(people["moderator_b"]).can_publish()
    response = act(client, people["moderator_b"], library, "approve")
    assert response.status_code == 302
    library.refresh_from_db()
    assert library.live_revision_id == revision.pk
    client.logout()
    assert "краеведческий уголок" in client.get(library.url).content.decode()


def test_admin_log_in_form_is_russian(client, hub):
    page = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Пароль" in page and ">Password<" not in page


def test_host_settings_check_names_what_is_missing(settings):
    from partnerships.checks import check_host_settings

    assert check_host_settings(None) == []
    settings.WAGTAIL_FINISH_WORKFLOW_ACTION = "wagtail.workflows.publish_workflow_state"
    settings.WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = True
    assert [warning.id for warning in check_host_settings(None)] == [
        "partnerships.W001",
        "partnerships.W002",
    ]
