"""What readers send and what happens to it: forms, the flood limit, status changes, e-mails.

Readers' proposals to a cooperation (§5.2) and requests for a partner library's item (§4) come
from anonymous visitors, so every field is bounded and cleaned, a hidden field catches robots,
and a per-address limit stops floods. E-mails go only to the people the issue names: a
proposal to the cooperation's moderators, a collection request to that library's editors (and
its public address), a status change to the reader who asked.
"""

import functools
import re

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import mail, teams
from .choices import CollectionRequestStatus, ProposalStatus
from .consent import CONSENT_VERSION
from .models import CollectionRequest, Proposal

RATE_SETTING = "PARTNERSHIPS_SUBMISSION_RATE"
DEFAULT_RATE = (5, 600)  # submissions per window of seconds, per client address

NAME_MAX = 200
EMAIL_MAX = 254
PROPOSAL_TEXT_MAX = 5000
ITEM_MAX = 500
MESSAGE_MAX = 2000
REPLY_MAX = 5000

HONEYPOT_FIELD = "website"

# Control characters, and the invisible marks that reorder or hide text, never belong in what
# a reader writes; multi-line fields keep their line breaks and tabs.
_INVISIBLE = "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _INVISIBLE + "]")


def clean_text(value, multiline=False):
    """The text without control characters; line breaks folded to spaces on one-line fields."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = re.sub(r"[\t\n]", " ", value)
    return _CONTROL_RE.sub("", value)


class ReaderTextField(forms.CharField):
    """A text field that drops control characters before its length is checked."""

    def __init__(self, *, multiline=False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        value = clean_text(value, self.multiline)
        if not self.multiline:
            value = re.sub(r" {2,}", " ", value)
        return value.strip()


class ReaderSubmissionForm(forms.Form):
    """Name, e-mail, the consent and the trap for robots: what both reader forms share."""

    name = ReaderTextField(
        label=_("Ваше имя"),
        max_length=NAME_MAX,
        error_messages={
            "required": _("Укажите, как к вам обращаться."),
            "max_length": _(
                "Имя слишком длинное: не больше %(limit_value)d знаков (сейчас %(show_value)d)."
            ),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Электронная почта"),
        max_length=EMAIL_MAX,
        help_text=_("На этот адрес придёт ответ. Мы никогда не публикуем его."),
        error_messages={
            "required": _("Укажите адрес электронной почты — на него придёт ответ."),
            "invalid": _("Проверьте адрес электронной почты: он пишется так — name@example.ru."),
            "max_length": _(
                "Адрес электронной почты слишком длинный: не больше %(limit_value)d знаков "
                "(сейчас %(show_value)d)."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_(
            "Я согласен (согласна) на обработку моих персональных данных на условиях, "
            "изложенных выше"
        ),
        error_messages={
            "required": _(
                "Без согласия на обработку персональных данных мы не можем принять сообщение. "
                "Прочитайте текст согласия и отметьте его."
            ),
        },
    )
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Hidden from people by CSS and from screen readers by aria-hidden; robots fill it in.
    website = forms.CharField(
        label=_("Не заполняйте это поле"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_version"].initial = CONSENT_VERSION

    @property
    def is_spam(self):
        """Anything in the hidden field: a robot filled in the form."""
        return self.is_bound and bool(str(self.data.get(HONEYPOT_FIELD, "")).strip())

    def clean_consent_version(self):
        version = self.cleaned_data.get("consent_version")
        if version != CONSENT_VERSION:
            # The page was opened before the wording changed: the reader has not read this one.
            self.add_error(
                "consent",
                _(
                    "Текст согласия обновился, пока форма была открыта. Прочитайте новую "
                    "редакцию и отметьте согласие ещё раз."
                ),
            )
        return CONSENT_VERSION

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("consent") and self.is_bound:
            # A refused consent is never shown as given.
            self.data = self.data.copy()
            self.data.pop("consent", None)
        return cleaned


class ProposalForm(ReaderSubmissionForm):
    text = ReaderTextField(
        label=_("Ваше предложение"),
        multiline=True,
        max_length=PROPOSAL_TEXT_MAX,
        help_text=_(
            "До %(limit)s знаков. После одобрения модераторами предложение появится на этой "
            "странице вместе с вашим именем."
        )
        % {"limit": PROPOSAL_TEXT_MAX},
        error_messages={
            "required": _("Напишите ваше предложение."),
            "max_length": _(
                "Предложение слишком длинное: не больше %(limit_value)d знаков "
                "(сейчас %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    field_order = ["name", "email", "text", "consent", "consent_version", HONEYPOT_FIELD]


class CollectionRequestForm(ReaderSubmissionForm):
    item = ReaderTextField(
        label=_("Какое издание вам нужно"),
        max_length=ITEM_MAX,
        help_text=_("Автор, заглавие, год издания — всё, что известно об издании."),
        error_messages={
            "required": _("Укажите издание: автора, заглавие, год — что известно."),
            "max_length": _(
                "Описание издания слишком длинное: не больше %(limit_value)d знаков "
                "(сейчас %(show_value)d)."
            ),
        },
    )
    message = ReaderTextField(
        label=_("Комментарий"),
        multiline=True,
        required=False,
        max_length=MESSAGE_MAX,
        help_text=_("Необязательно. Например, как вам удобнее получить издание."),
        error_messages={
            "max_length": _(
                "Комментарий слишком длинный: не больше %(limit_value)d знаков "
                "(сейчас %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    field_order = ["name", "email", "item", "message", "consent", "consent_version", HONEYPOT_FIELD]


# The flood limit


def submission_rate():
    limit, window = getattr(settings, RATE_SETTING, DEFAULT_RATE)
    return int(limit), int(window)


def client_address(request):
    """REMOTE_ADDR: behind a proxy the host must set it from the proxy's header itself."""
    return request.META.get("REMOTE_ADDR") or "unknown"


class SubmissionLimit:
    """A fixed window per client address, shared by both reader forms, kept in the cache.

    Accepted submissions and trapped robots count; a form sent back with mistakes does not,
    so a reader who mistypes an address is not locked out.
    """

    def __init__(self, request):
        self.limit, self.window = submission_rate()
        self.key = f"partnerships:submissions:{client_address(request)}"

    @property
    def exceeded(self):
        return (cache.get(self.key) or 0) >= self.limit

    def count(self):
        if cache.add(self.key, 1, timeout=self.window):
            return
        try:
            cache.incr(self.key)
        except ValueError:
            # The window closed between the two calls.
            cache.add(self.key, 1, timeout=self.window)


# Links and e-mails


def status_url(collection_request):
    return mail.public_url("partnerships:collection_request_status", collection_request.token)


def in_site_language(function):
    """E-mails are written in the site's main language, whatever page the reader was on."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


@in_site_language
def notify_moderators(proposal):
    cooperation = proposal.cooperation
    link = mail.absolute_url(
        f"{reverse('partnerships_submissions:proposals')}?cooperation={cooperation.pk}"
    )
    subject = gettext("Новое предложение в содружество «%(cooperation)s»") % {
        "cooperation": cooperation.title
    }
    body = gettext(
        "Читатель прислал предложение в содружество «%(cooperation)s».\n\n"
        "Имя: %(name)s\n"
        "Получено: %(date)s\n\n"
        "%(text)s\n\n"
        "Предложение появится на сайте только после одобрения. Рассмотреть его:\n%(link)s\n"
    ) % {
        "cooperation": cooperation.title,
        "name": proposal.name,
        "date": timezone.localtime(proposal.created_at).strftime("%d.%m.%Y %H:%M"),
        "text": proposal.text,
        "link": link,
    }
    return mail.send(teams.cooperation_moderators(cooperation), subject, body)


@in_site_language
def notify_library(collection_request):
    library = collection_request.library
    link = mail.admin_url("partnerships_submissions:collection_request", collection_request.pk)
    subject = gettext("Запрос издания из фонда: %(item)s") % {"item": collection_request.item[:120]}
    body = gettext(
        "Читатель просит издание из фонда библиотеки «%(library)s».\n\n"
        "Издание: %(item)s\n"
        "Комментарий: %(message)s\n"
        "Имя: %(name)s\n"
        "Электронная почта: %(email)s\n\n"
        "Ответить читателю и изменить статус запроса:\n%(link)s\n"
    ) % {
        "library": library.title,
        "item": collection_request.item,
        "message": collection_request.message or "—",
        "name": collection_request.name,
        "email": collection_request.email,
        "link": link,
    }
    recipients = [*teams.library_editors(library), library.email]
    return mail.send(recipients, subject, body, reply_to=[collection_request.email])


@in_site_language
def notify_reader(collection_request, received=False):
    """Tell the reader where the request stands, with the private link to its page."""
    library = collection_request.library
    if received:
        subject = gettext("Ваш запрос принят к рассмотрению: %(item)s")
        intro = gettext(
            "Здравствуйте, %(name)s!\n\nБиблиотека «%(library)s» получила ваш запрос на "
            "издание «%(item)s»."
        )
    else:
        subject = gettext("Статус вашего запроса изменился: %(item)s")
        intro = gettext(
            "Здравствуйте, %(name)s!\n\nБиблиотека «%(library)s» ответила на ваш запрос на "
            "издание «%(item)s»."
        )
    values = {
        "name": collection_request.name,
        "library": library.title,
        "item": collection_request.item,
    }
    parts = [
        intro % values,
        gettext("Статус: %(status)s.") % {"status": collection_request.get_status_display()},
    ]
    if collection_request.reply and not received:
        parts.append(gettext("Ответ библиотеки:\n%(reply)s") % {"reply": collection_request.reply})
    parts.append(
        gettext("Следить за запросом можно по личной ссылке (не передавайте её другим):\n%(link)s")
        % {"link": status_url(collection_request)}
    )
    subject = subject % {"item": collection_request.item[:120]}
    return mail.send([collection_request.email], subject, "\n\n".join(parts) + "\n")


# Saving what readers send


def _consent_fields(form):
    return {
        "name": form.cleaned_data["name"],
        "email": form.cleaned_data["email"],
        "consent_version": form.cleaned_data["consent_version"],
        "consent_given_at": timezone.now(),
    }


def create_proposal(cooperation, form):
    with transaction.atomic():
        proposal = Proposal.objects.create(
            cooperation=cooperation, text=form.cleaned_data["text"], **_consent_fields(form)
        )
    notify_moderators(proposal)
    return proposal


def create_collection_request(library, form):
    with transaction.atomic():
        collection_request = CollectionRequest.objects.create(
            library=library,
            item=form.cleaned_data["item"],
            message=form.cleaned_data["message"],
            **_consent_fields(form),
        )
    notify_library(collection_request)
    notify_reader(collection_request, received=True)
    return collection_request


# Status changes

PROPOSAL_TRANSITIONS = {
    ProposalStatus.NEW: (ProposalStatus.APPROVED, ProposalStatus.REJECTED),
    ProposalStatus.APPROVED: (ProposalStatus.REJECTED,),
    ProposalStatus.REJECTED: (ProposalStatus.APPROVED,),
}

REQUEST_TRANSITIONS = {
    CollectionRequestStatus.NEW: (
        CollectionRequestStatus.ACCEPTED,
        CollectionRequestStatus.DECLINED,
    ),
    CollectionRequestStatus.ACCEPTED: (
        CollectionRequestStatus.SENT,
        CollectionRequestStatus.DECLINED,
    ),
    CollectionRequestStatus.SENT: (),
    CollectionRequestStatus.DECLINED: (),
}


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def moderate_proposal(proposal, status, user):
    """Approve or reject; the locked row decides, so two moderators cannot cross."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if status not in PROPOSAL_TRANSITIONS.get(locked.status, ()):
            raise ValidationError(
                _("Предложение со статусом «%(current)s» нельзя перевести в «%(new)s».")
                % {
                    "current": _label(ProposalStatus, locked.status),
                    "new": _label(ProposalStatus, status),
                }
            )
        locked.status = status
        locked.moderated_by = user
        locked.moderated_at = timezone.now()
        locked.save(update_fields=["status", "moderated_by", "moderated_at"])
    return locked


def next_request_statuses(status):
    return REQUEST_TRANSITIONS.get(status, ())


def change_request(collection_request, status, reply):
    """Move a request on (new → accepted → sent, new/accepted → declined) or answer it.

    The reader is told of every change by e-mail, with the private link.
    """
    reply = clean_text(reply or "", multiline=True).strip()
    with transaction.atomic():
        locked = CollectionRequest.objects.select_for_update().get(pk=collection_request.pk)
        status = status or locked.status
        if status != locked.status and status not in next_request_statuses(locked.status):
            raise ValidationError(
                _("Запрос со статусом «%(current)s» нельзя перевести в статус «%(new)s».")
                % {
                    "current": _label(CollectionRequestStatus, locked.status),
                    "new": _label(CollectionRequestStatus, status),
                }
            )
        if status == locked.status and reply == locked.reply:
            raise ValidationError(
                _("Ничего не изменилось: выберите новый статус или измените ответ.")
            )
        locked.status = status
        locked.reply = reply
        locked.save(update_fields=["status", "reply", "updated_at"])
    notify_reader(locked)
    return locked


class RequestChangeForm(forms.Form):
    """What a library editor may do with a request: the next status and a reply to the reader."""

    status = forms.ChoiceField(label=_("Статус"))
    reply = ReaderTextField(
        label=_("Ответ читателю"),
        multiline=True,
        required=False,
        max_length=REPLY_MAX,
        help_text=_("Читатель увидит ответ на странице запроса и получит его по почте."),
        error_messages={
            "max_length": _(
                "Ответ слишком длинный: не больше %(limit_value)d знаков (сейчас %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, collection_request, *args, **kwargs):
        kwargs.setdefault("initial", {"status": collection_request.status})
        kwargs["initial"].setdefault("reply", collection_request.reply)
        super().__init__(*args, **kwargs)
        self.collection_request = collection_request
        allowed = (collection_request.status, *next_request_statuses(collection_request.status))
        self.fields["status"].choices = [
            (value, capfirst(_label(CollectionRequestStatus, value))) for value in allowed
        ]
        self.fields["status"].error_messages["invalid_choice"] = _(
            "Такой статус для этого запроса выбрать нельзя."
        )

    def save(self):
        try:
            return change_request(
                self.collection_request, self.cleaned_data["status"], self.cleaned_data["reply"]
            )
        except ValidationError as error:
            self.add_error(None, error)
            return None
