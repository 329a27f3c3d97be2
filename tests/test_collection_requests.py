"""Requests for a partner library's item (§4, mutual access to collections), end to end."""

import smtplib
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from partnerships.choices import CollectionRequestStatus as Status
from partnerships.consent import CONSENT_VERSION
from partnerships.factories import (
    CooperationFactory,
    LibraryFactory,
    SettlementFactory,
    editor_of,
    hub_admin,
    moderator_of,
)
from partnerships.models import CollectionRequest, Proposal
from partnerships.submissions import ITEM_MAX, MESSAGE_MAX, NAME_MAX, change_request

ITEM = "Белов В. И. Привычное дело. — М.: Современник, 1980"
LIBRARY_ADDRESS = "nikolskaya.biblioteka@example.ru"


@pytest.fixture
def libraries(cooperation, kursk):
    """A (with a public address) and B in «Никольское»; C in «Алексеевка»; D in none."""
    library_a, library_b = cooperation.libraries
    library_a.email = LIBRARY_ADDRESS
    library_a.save_revision().publish()
    library_a.refresh_from_db()
    village = SettlementFactory(
        name="Алексеевка", title="Алексеевка (Курская область)", region=kursk
    )
    library_c = LibraryFactory(parent=village, title="Алексеевская библиотека")
    other = CooperationFactory(
        settlement_name="Алексеевка", title="Содружество «Алексеевка»", members=[library_c]
    )
    library_d = LibraryFactory(parent=village, title="Школьная библиотека Алексеевки")
    return SimpleNamespace(
        a=library_a, b=library_b, c=library_c, d=library_d, other_cooperation=other
    )


@pytest.fixture
def people(cooperation, libraries):
    return SimpleNamespace(
        editor_a=editor_of(libraries.a, username="editor-a"),
        second_editor_a=editor_of(libraries.a, username="editor-a2"),
        editor_b=editor_of(libraries.b, username="editor-b"),
        editor_c=editor_of(libraries.c, username="editor-c"),
        moderator=moderator_of(cooperation.page, username="moderator-x"),
        hub_admin=hub_admin(username="hub-admin"),
    )


def form_url(library):
    return reverse("partnerships:collection_request", args=[library.pk])


def status_url(found):
    return reverse("partnerships:collection_request_status", args=[found.token])


def admin_url(found):
    return reverse("partnerships_submissions:collection_request", args=[found.pk])


def listing_url():
    return reverse("partnerships_submissions:collection_requests")


def request_data(**fields):
    data = {
        "name": "Пётр Никифоров",
        "email": "petr.nikiforov@example.ru",
        "item": ITEM,
        "message": "Могу забрать в читальном зале в субботу.",
        "consent": "on",
        "consent_version": CONSENT_VERSION,
        "website": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def make_request(library, status=Status.NEW, **fields):
    values = {
        "name": "Ольга Зайцева",
        "email": "olga.zaitseva@example.ru",
        "item": "Распутин В. Г. Прощание с Матёрой",
        "consent_version": CONSENT_VERSION,
        "consent_given_at": timezone.now(),
    }
    values.update(fields)
    return CollectionRequest.objects.create(library=library, status=status, **values)


# --- The public form ---------------------------------------------------------------------------


def test_a_valid_request_is_stored_and_the_reader_lands_on_the_private_page(
    client, libraries, people
):
    response = client.post(form_url(libraries.a), request_data())
    assert response.status_code == 302
    found = CollectionRequest.objects.get()
    assert response["Location"] == status_url(found)
    assert found.library_id == libraries.a.pk
    assert (found.name, found.email, found.item) == (
        "Пётр Никифоров",
        "petr.nikiforov@example.ru",
        ITEM,
    )
    assert found.status == Status.NEW
    assert found.consent_version == CONSENT_VERSION
    assert found.consent_given_at is not None
    assert len(found.token) >= 30

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Спасибо! Запрос отправлен в библиотеку." in html
    assert ITEM in html


def test_the_request_reaches_that_librarys_editors_and_address_and_the_reader_gets_the_link(
    client, libraries, people
):
    client.post(form_url(libraries.a), request_data())
    found = CollectionRequest.objects.get()
    # One message per address, so the two editors and the library never see each other's.
    assert len(mail.outbox) == 4
    *to_library, to_reader = mail.outbox
    assert sorted(message.to for message in to_library) == sorted(
        [["editor-a@example.org"], ["editor-a2@example.org"], [LIBRARY_ADDRESS]]
    )
    for message in to_library:
        assert message.cc == [] and message.bcc == []
        assert message.reply_to == ["petr.nikiforov@example.ru"]
        assert ITEM in message.body
        assert "http://127.0.0.1:8000" + admin_url(found) in message.body
        # The private link goes to the reader only.
        assert found.token not in message.body

    assert to_reader.to == ["petr.nikiforov@example.ru"]
    assert "http://127.0.0.1:8000" + status_url(found) in to_reader.body


def test_a_library_without_a_public_address_is_told_through_its_editors_only(
    client, libraries, people
):
    client.post(form_url(libraries.b), request_data())
    to_library = mail.outbox[0]
    assert to_library.to == ["editor-b@example.org"]


class RefusingBackend(locmem.EmailBackend):
    """A mail server that refuses one address, or every message when it is down."""

    refused = "editor-a2@example.org"
    down = False

    def open(self):
        if self.down:
            raise ConnectionRefusedError("the mail server is down")
        return super().open()

    def send_messages(self, messages):
        if any(self.refused in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
        return super().send_messages(messages)


class DownBackend(RefusingBackend):
    down = True


@override_settings(EMAIL_BACKEND="tests.test_collection_requests.RefusingBackend")
def test_an_address_the_server_refuses_stops_no_other_message(client, libraries, people, caplog):
    response = client.post(form_url(libraries.a), request_data())
    found = CollectionRequest.objects.get()
    assert response["Location"] == status_url(found)
    assert sorted(message.to for message in mail.outbox) == [
        ["editor-a@example.org"],
        [LIBRARY_ADDRESS],
        ["petr.nikiforov@example.ru"],
    ]
    assert "Could not send" in caplog.text


@override_settings(EMAIL_BACKEND="tests.test_collection_requests.DownBackend")
def test_a_mail_server_that_is_down_undoes_nothing(client, libraries, people, caplog):
    response = client.post(form_url(libraries.a), request_data())
    assert response.status_code == 302
    found = CollectionRequest.objects.get()
    assert response["Location"] == status_url(found)
    assert mail.outbox == []
    assert "Could not reach the mail server" in caplog.text


def test_only_partner_libraries_take_requests_and_link_to_the_form(client, libraries):
    assert client.get(form_url(libraries.a)).status_code == 200
    assert form_url(libraries.a) in client.get(libraries.a.url).content.decode()
    # A library in no cooperation is no partner: no link, no form.
    assert form_url(libraries.d) not in client.get(libraries.d.url).content.decode()
    assert client.get(form_url(libraries.d)).status_code == 404
    assert client.post(form_url(libraries.d), request_data()).status_code == 404
    libraries.b.unpublish()
    assert client.post(form_url(libraries.b), request_data()).status_code == 404
    assert client.get(reverse("partnerships:collection_request", args=[999999])).status_code == 404
    assert CollectionRequest.objects.count() == 0


BAD_FIELDS = [
    ("name", "", "Укажите, как к вам обращаться."),
    ("name", "Я" * (NAME_MAX + 1), "Имя слишком длинное: не больше 200 знаков (сейчас 201)."),
    ("email", "", "Укажите адрес электронной почты — на него придёт ответ."),
    ("email", "petr@@example.ru", "Проверьте адрес электронной почты"),
    ("item", "", "Укажите издание: автора, заглавие, год — что известно."),
    ("item", "\x00\x01 ", "Укажите издание: автора, заглавие, год — что известно."),
    (
        "item",
        "к" * (ITEM_MAX + 1),
        "Описание издания слишком длинное: не больше 500 знаков (сейчас 501).",
    ),
    (
        "message",
        "к" * (MESSAGE_MAX + 1),
        "Комментарий слишком длинный: не больше 2000 знаков (сейчас 2001).",
    ),
    ("consent", None, "Без согласия на обработку персональных данных мы не можем принять"),
    ("consent_version", "2019-05-05", "Текст согласия обновился"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS)
def test_every_bad_field_is_refused_with_a_russian_message_and_nothing_stored(
    client, libraries, people, field, value, message
):
    response = client.post(form_url(libraries.a), request_data(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    error_field = "consent" if field == "consent_version" else field
    assert f'id="id_{error_field}_error"' in html
    assert CollectionRequest.objects.count() == 0
    assert mail.outbox == []


def test_the_comment_is_optional(client, libraries):
    assert client.post(form_url(libraries.a), request_data(message="")).status_code == 302
    assert CollectionRequest.objects.get().message == ""


def test_the_honeypot_stores_nothing_and_sends_nothing(client, libraries, people):
    response = client.post(form_url(libraries.a), request_data(website="Купите наши окна"))
    assert response.status_code == 400
    assert CollectionRequest.objects.count() == 0
    assert mail.outbox == []


def test_the_flood_limit_is_shared_with_proposals(client, cooperation, libraries):
    proposal_url = reverse("partnerships:proposals", args=[cooperation.page.pk])
    proposal = {
        "name": "Пётр",
        "email": "petr@example.ru",
        "text": "Предложение",
        "consent": "on",
        "consent_version": CONSENT_VERSION,
    }
    for _number in range(3):
        assert client.post(proposal_url, proposal).status_code == 302
    for _number in range(2):
        assert client.post(form_url(libraries.a), request_data()).status_code == 302
    response = client.post(form_url(libraries.a), request_data())
    assert response.status_code == 429
    assert "Слишком много сообщений" in response.content.decode()
    assert client.post(proposal_url, proposal).status_code == 429
    assert CollectionRequest.objects.count() == 2
    assert Proposal.objects.count() == 3


@override_settings(PARTNERSHIPS_SUBMISSION_RATE=(1, 600))
def test_the_limit_is_a_setting(client, libraries):
    assert client.post(form_url(libraries.a), request_data()).status_code == 302
    assert client.post(form_url(libraries.a), request_data()).status_code == 429
    assert CollectionRequest.objects.count() == 1


# --- The reader's private page -----------------------------------------------------------------


def test_the_private_page_shows_the_request_but_not_the_address(client, libraries):
    found = make_request(libraries.a, Status.ACCEPTED, reply="Книга отложена для вас.")
    response = client.get(status_url(found))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Распутин В. Г. Прощание с Матёрой" in html
    assert "Книга отложена для вас." in html
    assert 'aria-current="step">Принят' in html
    assert "olga.zaitseva@example.ru" not in html
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["unknown-token", "a" * 32, "x" * 200])
def test_an_unknown_token_is_404(client, libraries, token):
    make_request(libraries.a)
    assert (
        client.get(reverse("partnerships:collection_request_status", args=[token])).status_code
        == 404
    )


def test_odd_token_paths_are_404_not_500(client, libraries):
    make_request(libraries.a)
    for path in ("/tezki/zapros-v-fond/status/%00/", "/tezki/zapros-v-fond/status/ё/"):
        assert client.get(path).status_code == 404


# --- Library editors in the admin --------------------------------------------------------------


def test_editors_see_only_their_librarys_requests(client, libraries, people):
    make_request(libraries.a, item="Для библиотеки А")
    make_request(libraries.b, item="Для библиотеки Б")
    client.force_login(people.editor_a)
    html = client.get(listing_url()).content.decode()
    assert "Для библиотеки А" in html
    assert "Для библиотеки Б" not in html
    html = client.get(listing_url(), {"library": libraries.b.pk}).content.decode()
    assert "Для библиотеки Б" not in html

    client.force_login(people.hub_admin)
    html = client.get(listing_url()).content.decode()
    assert "Для библиотеки А" in html and "Для библиотеки Б" in html


@pytest.mark.parametrize("who", ["editor_b", "editor_c", "moderator"])
def test_anyone_but_the_librarys_editors_gets_403_and_nothing_changes(
    client, libraries, people, who
):
    found = make_request(libraries.a)
    client.force_login(getattr(people, who))
    assert client.get(admin_url(found)).status_code == 403
    response = client.post(admin_url(found), {"status": Status.ACCEPTED, "reply": "Чужой ответ"})
    assert response.status_code == 403
    found.refresh_from_db()
    assert (found.status, found.reply) == (Status.NEW, "")
    assert mail.outbox == []


def test_a_moderator_who_edits_no_library_has_no_listing_and_no_menu_item(client, people):
    client.force_login(people.moderator)
    assert client.get(listing_url()).status_code == 403
    assert listing_url() not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(people.editor_a)
    assert listing_url() in client.get(reverse("wagtailadmin_home")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client, libraries):
    found = make_request(libraries.a)
    response = client.post(admin_url(found), {"status": Status.ACCEPTED})
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]
    found.refresh_from_db()
    assert found.status == Status.NEW


def test_the_request_moves_new_accepted_sent_and_the_reader_is_told_each_time(
    client, libraries, people
):
    found = make_request(libraries.a)
    client.force_login(people.editor_a)
    page = client.get(admin_url(found))
    assert page.status_code == 200
    assert "olga.zaitseva@example.ru" in page.content.decode()

    response = client.post(
        admin_url(found), {"status": Status.ACCEPTED, "reply": "Книга есть, отправим почтой."}
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.status, found.reply) == (Status.ACCEPTED, "Книга есть, отправим почтой.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olga.zaitseva@example.ru"]
    assert "принят" in mail.outbox[0].body
    assert "Книга есть, отправим почтой." in mail.outbox[0].body
    assert "http://127.0.0.1:8000" + status_url(found) in mail.outbox[0].body

    assert (
        client.post(admin_url(found), {"status": Status.SENT, "reply": found.reply}).status_code
        == 302
    )
    found.refresh_from_db()
    assert found.status == Status.SENT
    assert [message.to for message in mail.outbox] == [["olga.zaitseva@example.ru"]] * 2
    assert 'aria-current="step">Выполнен' in client.get(status_url(found)).content.decode()


@pytest.mark.parametrize("start", [Status.NEW, Status.ACCEPTED])
def test_a_request_may_be_declined_while_open(client, libraries, people, start):
    found = make_request(libraries.a, start)
    client.force_login(people.editor_a)
    response = client.post(admin_url(found), {"status": Status.DECLINED, "reply": "Издания нет."})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == Status.DECLINED
    assert mail.outbox[0].to == [found.email]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.NEW, Status.SENT),
        (Status.SENT, Status.ACCEPTED),
        (Status.SENT, Status.DECLINED),
        (Status.DECLINED, Status.ACCEPTED),
        (Status.DECLINED, Status.NEW),
        (Status.ACCEPTED, Status.NEW),
        (Status.NEW, "lost"),
    ],
)
def test_other_moves_are_refused_in_the_admin_with_nothing_changed(
    client, libraries, people, start, target
):
    found = make_request(libraries.a, start)
    client.force_login(people.editor_a)
    response = client.post(admin_url(found), {"status": target, "reply": "Ответ"})
    assert response.status_code == 400
    assert "Такой статус для этого запроса выбрать нельзя." in response.content.decode()
    found.refresh_from_db()
    assert (found.status, found.reply) == (start, "")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("start", "target"),
    [(Status.NEW, Status.SENT), (Status.SENT, Status.DECLINED), (Status.DECLINED, Status.ACCEPTED)],
)
def test_the_service_refuses_other_moves_with_a_russian_error(libraries, start, target):
    found = make_request(libraries.a, start)
    with pytest.raises(ValidationError) as error:
        change_request(found, target, "")
    assert "нельзя перевести в статус" in error.value.messages[0]
    found.refresh_from_db()
    assert found.status == start
    assert mail.outbox == []


def test_a_reply_alone_is_a_change_and_nothing_at_all_is_not(client, libraries, people):
    found = make_request(libraries.a, Status.SENT)
    client.force_login(people.editor_a)
    response = client.post(admin_url(found), {"status": Status.SENT, "reply": "Ждём вас снова!"})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.reply == "Ждём вас снова!"
    assert len(mail.outbox) == 1

    response = client.post(admin_url(found), {"status": Status.SENT, "reply": "Ждём вас снова!"})
    assert response.status_code == 400
    assert "Ничего не изменилось" in response.content.decode()
    assert len(mail.outbox) == 1


def test_hub_admins_answer_any_librarys_requests(client, libraries, people):
    found = make_request(libraries.c)
    client.force_login(people.hub_admin)
    assert (
        client.post(admin_url(found), {"status": Status.ACCEPTED, "reply": ""}).status_code == 302
    )
    found.refresh_from_db()
    assert found.status == Status.ACCEPTED
