"""Readers' proposals to a cooperation (§5.2), through the real public and admin views."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from partnerships.choices import ProposalStatus
from partnerships.consent import CONSENT_VERSION
from partnerships.factories import (
    CooperationFactory,
    LibraryFactory,
    SettlementFactory,
    editor_of,
    hub_admin,
    moderator_of,
)
from partnerships.models import Proposal
from partnerships.submissions import NAME_MAX, PROPOSAL_TEXT_MAX

PROPOSAL_TEXT = "Предлагаем провести общие краеведческие чтения летом, в каждом селе по очереди."


@pytest.fixture
def other(hub, kursk):
    """«Алексеевка»: another cooperation with a library of its own."""
    village = SettlementFactory(
        name="Алексеевка", title="Алексеевка (Курская область)", region=kursk
    )
    library = LibraryFactory(parent=village, title="Алексеевская библиотека")
    page = CooperationFactory(
        settlement_name="Алексеевка", title="Содружество «Алексеевка»", members=[library]
    )
    return SimpleNamespace(page=page, library=library)


@pytest.fixture
def people(cooperation, other):
    return SimpleNamespace(
        moderator=moderator_of(cooperation.page, username="moderator-x"),
        second_moderator=moderator_of(cooperation.page, username="moderator-x2"),
        other_moderator=moderator_of(other.page, username="moderator-y"),
        editor=editor_of(cooperation.libraries[0], username="editor-a"),
        hub_admin=hub_admin(username="hub-admin"),
    )


def form_url(cooperation):
    return reverse("partnerships:proposals", args=[cooperation.pk])


def proposal_data(**fields):
    data = {
        "name": "Анна Петрова",
        "email": "anna.petrova@example.ru",
        "text": PROPOSAL_TEXT,
        "consent": "on",
        "consent_version": CONSENT_VERSION,
        "website": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def make_proposal(cooperation, status=ProposalStatus.NEW, **fields):
    from django.utils import timezone

    values = {
        "name": "Иван Сидоров",
        "email": "ivan.sidorov@example.ru",
        "text": "Давайте обмениваться краеведческими изданиями.",
        "consent_version": CONSENT_VERSION,
        "consent_given_at": timezone.now(),
    }
    values.update(fields)
    return Proposal.objects.create(cooperation=cooperation, status=status, **values)


# --- The public form ---------------------------------------------------------------------------


def test_form_shows_the_consent_beside_an_unticked_box_and_hides_the_trap(client, cooperation):
    response = client.get(form_url(cooperation.page))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Согласие на обработку персональных данных" in html
    assert "152-ФЗ" in html
    assert f'value="{CONSENT_VERSION}"' in html
    assert reverse("partnerships:consent", args=[CONSENT_VERSION]) in html
    checkbox = html[html.index('id="id_consent"') - 40 : html.index('id="id_consent"') + 200]
    assert "checked" not in checkbox
    assert 'aria-describedby="consent-text"' in checkbox
    assert '<label for="id_name">' in html
    trap = html[html.index("reader-form__trap") - 20 : html.index('name="website"')]
    assert 'aria-hidden="true"' in trap
    assert html.count("<h1") == 1


def test_a_valid_proposal_is_stored_with_the_consent_version_and_not_yet_public(
    client, cooperation, people
):
    response = client.post(form_url(cooperation.page), proposal_data())
    assert response.status_code == 302
    assert response["Location"].startswith(form_url(cooperation.page))
    proposal = Proposal.objects.get()
    assert proposal.cooperation_id == cooperation.page.pk
    assert (proposal.name, proposal.email) == ("Анна Петрова", "anna.petrova@example.ru")
    assert proposal.text == PROPOSAL_TEXT
    assert proposal.status == ProposalStatus.NEW
    assert proposal.consent_version == CONSENT_VERSION
    assert proposal.consent_given_at is not None

    page = client.get(response["Location"])
    assert "Спасибо! Предложение отправлено модераторам содружества." in page.content.decode()
    assert PROPOSAL_TEXT not in page.content.decode()


def test_the_proposal_reaches_exactly_the_cooperations_moderators(client, cooperation, people):
    client.post(form_url(cooperation.page), proposal_data())
    # One message per moderator: neither sees the other's address.
    assert sorted(message.to for message in mail.outbox) == [
        ["moderator-x2@example.org"],
        ["moderator-x@example.org"],
    ]
    for message in mail.outbox:
        assert message.cc == [] and message.bcc == []
        assert "Содружество «Никольское»" in message.subject
        assert PROPOSAL_TEXT in message.body
        assert (
            "http://127.0.0.1:8000"
            + reverse("partnerships_submissions:proposals")
            + f"?cooperation={cooperation.page.pk}"
        ) in message.body


def test_control_characters_are_dropped(client, cooperation):
    response = client.post(
        form_url(cooperation.page),
        proposal_data(
            name="Ан\x00на\u202e Петрова\x07", text="Первая строка.\r\nВторая\x0b строка."
        ),
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.name == "Анна Петрова"
    assert proposal.text == "Первая строка.\nВторая строка."


BAD_FIELDS = [
    ("name", "", "Укажите, как к вам обращаться."),
    ("name", "   \x00 ", "Укажите, как к вам обращаться."),
    ("name", "Я" * (NAME_MAX + 1), "Имя слишком длинное: не больше 200 знаков (сейчас 201)."),
    ("email", "", "Укажите адрес электронной почты — на него придёт ответ."),
    ("email", "anna.petrova", "Проверьте адрес электронной почты"),
    ("email", "anna@", "Проверьте адрес электронной почты"),
    ("email", "a" * 250 + "@example.ru", "Адрес электронной почты слишком длинный"),
    ("text", "", "Напишите ваше предложение."),
    (
        "text",
        "т" * (PROPOSAL_TEXT_MAX + 1),
        "Предложение слишком длинное: не больше 5000 знаков (сейчас 5001).",
    ),
    ("consent", None, "Без согласия на обработку персональных данных мы не можем принять"),
    ("consent_version", "2020-01-01", "Текст согласия обновился"),
    ("consent_version", None, "Текст согласия обновился"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS)
def test_every_bad_field_is_refused_with_a_russian_message_and_nothing_stored(
    client, cooperation, people, field, value, message
):
    response = client.post(form_url(cooperation.page), proposal_data(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Форма не отправлена" in html
    # The message sits under its field and the field points to it.
    error_field = "consent" if field == "consent_version" else field
    assert f'id="id_{error_field}_error"' in html
    assert f"id_{error_field}_error" in html[html.index(f'id="id_{error_field}"') - 300 :]
    assert 'aria-invalid="true"' in html
    assert Proposal.objects.count() == 0
    assert mail.outbox == []


def test_a_refused_consent_is_not_shown_as_ticked(client, cooperation):
    response = client.post(form_url(cooperation.page), proposal_data(consent_version="old"))
    assert response.status_code == 400
    html = response.content.decode()
    checkbox = html[html.index('id="id_consent"') - 40 : html.index('id="id_consent"') + 200]
    assert "checked" not in checkbox


def test_the_honeypot_refuses_quietly_and_stores_nothing(client, cooperation, people):
    response = client.post(form_url(cooperation.page), proposal_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "Сообщение не удалось принять" in response.content.decode()
    assert Proposal.objects.count() == 0
    assert mail.outbox == []


@override_settings(PARTNERSHIPS_SUBMISSION_RATE=(3, 600))
def test_a_flood_is_stopped_after_the_limit(client, cooperation):
    url = form_url(cooperation.page)
    for number in range(3):
        response = client.post(url, proposal_data(text=f"{PROPOSAL_TEXT} №{number}"))
        assert response.status_code == 302
    response = client.post(url, proposal_data(text="Четвёртое"))
    assert response.status_code == 429
    assert "С вашего адреса недавно отправили много сообщений" in response.content.decode()
    assert response["Retry-After"] == "600"
    assert Proposal.objects.count() == 3
    # Another address is not held back by this one.
    response = client.post(url, proposal_data(text="Пятое"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert Proposal.objects.count() == 4


def test_the_default_limit_is_five_in_ten_minutes_and_counts_trapped_robots(client, cooperation):
    url = form_url(cooperation.page)
    for _number in range(2):
        assert client.post(url, proposal_data(website="x")).status_code == 400
    for number in range(3):
        assert client.post(url, proposal_data(text=f"Текст {number}")).status_code == 302
    assert client.post(url, proposal_data()).status_code == 429
    assert Proposal.objects.count() == 3


@override_settings(PARTNERSHIPS_SUBMISSION_RATE=(2, 600))
def test_forms_sent_back_with_mistakes_do_not_count(client, cooperation):
    url = form_url(cooperation.page)
    for _number in range(5):
        assert client.post(url, proposal_data(email="не адрес")).status_code == 400
    assert client.post(url, proposal_data()).status_code == 302
    assert Proposal.objects.count() == 1


def test_only_live_cooperations_take_proposals(client, cooperation):
    page = cooperation.page
    page.unpublish()
    assert client.get(form_url(page)).status_code == 404
    assert client.post(form_url(page), proposal_data()).status_code == 404
    assert client.get(reverse("partnerships:proposals", args=[999999])).status_code == 404
    assert Proposal.objects.count() == 0


def test_only_approved_proposals_are_public_and_never_their_email(client, cooperation, other):
    approved = make_proposal(
        cooperation.page, ProposalStatus.APPROVED, name="Мария Ковалёва", text="Одобренное."
    )
    make_proposal(cooperation.page, ProposalStatus.NEW, text="Ещё на модерации.")
    make_proposal(cooperation.page, ProposalStatus.REJECTED, text="Отклонённое.")
    make_proposal(other.page, ProposalStatus.APPROVED, text="Из другого содружества.")
    html = client.get(form_url(cooperation.page)).content.decode()
    assert "Мария Ковалёва" in html
    assert "Одобренное." in html
    assert approved.created_at.strftime("%Y-%m-%d") in html
    for hidden in ("Ещё на модерации.", "Отклонённое.", "Из другого содружества."):
        assert hidden not in html
    assert "@example.ru" not in html


def test_the_cooperation_page_links_to_its_proposals(client, cooperation):
    response = client.get(cooperation.page.url)
    assert response.status_code == 200
    assert form_url(cooperation.page) in response.content.decode()


def test_the_consent_text_has_its_own_page_with_its_version(client, hub):
    response = client.get(reverse("partnerships:consent", args=[CONSENT_VERSION]))
    assert response.status_code == 200
    html = response.content.decode()
    assert CONSENT_VERSION in html
    assert "152-ФЗ" in html
    assert "никогда не публикуется" in html
    assert client.get(reverse("partnerships:consent", args=["1999-01-01"])).status_code == 404


# --- Moderation in the admin -------------------------------------------------------------------


def moderate_url(proposal, action):
    return reverse("partnerships_submissions:moderate_proposal", args=[proposal.pk, action])


def listing_url():
    return reverse("partnerships_submissions:proposals")


def test_moderators_see_only_their_cooperations_proposals(client, cooperation, other, people):
    make_proposal(cooperation.page, text="Предложение в Никольское.")
    make_proposal(other.page, text="Предложение в Алексеевку.")
    client.force_login(people.moderator)
    html = client.get(listing_url()).content.decode()
    assert "Предложение в Никольское." in html
    assert "Предложение в Алексеевку." not in html
    # A filter for another cooperation shows nothing of it.
    html = client.get(listing_url(), {"cooperation": other.page.pk}).content.decode()
    assert "Предложение в Алексеевку." not in html

    client.force_login(people.hub_admin)
    html = client.get(listing_url()).content.decode()
    assert "Предложение в Никольское." in html
    assert "Предложение в Алексеевку." in html


def test_a_moderator_approves_and_the_proposal_goes_public(client, cooperation, people):
    proposal = make_proposal(cooperation.page, text="Пусть будет общий читательский клуб.")
    client.force_login(people.moderator)
    response = client.post(moderate_url(proposal, "approve"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.moderated_by == people.moderator
    assert proposal.moderated_at is not None
    client.logout()
    html = client.get(form_url(cooperation.page)).content.decode()
    assert "Пусть будет общий читательский клуб." in html
    assert proposal.email not in html


def test_a_moderator_rejects_and_the_proposal_stays_hidden(client, cooperation, people):
    proposal = make_proposal(cooperation.page, ProposalStatus.APPROVED, text="Снятое.")
    client.force_login(people.moderator)
    assert client.post(moderate_url(proposal, "reject")).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    client.logout()
    assert "Снятое." not in client.get(form_url(cooperation.page)).content.decode()


def test_approving_twice_is_refused_with_a_message(client, cooperation, people):
    proposal = make_proposal(cooperation.page, ProposalStatus.APPROVED)
    client.force_login(people.moderator)
    response = client.post(moderate_url(proposal, "approve"), follow=True)
    assert "нельзя перевести" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.moderated_by is None


@pytest.mark.parametrize("who", ["other_moderator", "editor"])
def test_others_get_403_and_nothing_changes(client, cooperation, people, who):
    proposal = make_proposal(cooperation.page)
    client.force_login(getattr(people, who))
    for action in ("approve", "reject"):
        assert client.post(moderate_url(proposal, action)).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NEW
    assert proposal.moderated_by is None


def test_editors_get_403_on_the_listing_and_see_no_menu_item(client, cooperation, people):
    client.force_login(people.editor)
    assert client.get(listing_url()).status_code == 403
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert listing_url() not in home.content.decode()

    client.force_login(people.moderator)
    assert listing_url() in client.get(reverse("wagtailadmin_home")).content.decode()


def test_anonymous_visitors_cannot_moderate(client, cooperation):
    proposal = make_proposal(cooperation.page)
    response = client.post(moderate_url(proposal, "approve"))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]
    assert client.get(listing_url()).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NEW


def test_moderation_takes_post_only_and_known_actions(client, cooperation, people):
    proposal = make_proposal(cooperation.page)
    client.force_login(people.moderator)
    assert client.get(moderate_url(proposal, "approve")).status_code == 405
    assert client.post(moderate_url(proposal, "publish")).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NEW


def test_hub_admins_moderate_any_cooperation(client, other, people):
    proposal = make_proposal(other.page)
    client.force_login(people.hub_admin)
    assert client.post(moderate_url(proposal, "approve")).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED


def test_next_cannot_point_outside_the_site(client, cooperation, people):
    proposal = make_proposal(cooperation.page)
    client.force_login(people.moderator)
    response = client.post(moderate_url(proposal, "approve"), {"next": "https://evil.example/"})
    assert response["Location"] == listing_url()


def test_a_proposal_sent_from_a_translation_reaches_the_cooperations_moderators(
    client, cooperation, people
):
    from wagtail.models import Locale

    english = cooperation.page.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.save_revision().publish()
    mail.outbox.clear()
    response = client.post(form_url(english), proposal_data(), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.cooperation_id == cooperation.page.pk
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "moderator-x2@example.org",
        "moderator-x@example.org",
    ]
