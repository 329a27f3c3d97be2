"""What readers send: proposals to a cooperation (§5.2) and collection requests (§4).

Both carry the reader's consent to personal-data processing (152-ФЗ) with the version of the
consent text they agreed to, so a later change of wording never rewrites what was agreed.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import CollectionRequestStatus, ProposalStatus
from .mixins import ChoiceLabelsMixin


def new_token():
    return secrets.token_urlsafe(24)


class ReaderSubmission(ChoiceLabelsMixin, models.Model):
    name = models.CharField(_("имя"), max_length=200)
    email = models.EmailField(_("электронная почта"))
    consent_version = models.CharField(
        _("версия согласия на обработку персональных данных"), max_length=20
    )
    consent_given_at = models.DateTimeField(_("согласие дано"))
    created_at = models.DateTimeField(_("получено"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True


class Proposal(ReaderSubmission):
    """A reader's proposal to a cooperation; public only once its moderators approve it."""

    cooperation = models.ForeignKey(
        "partnerships.CooperationPage",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("содружество"),
    )
    text = models.TextField(_("предложение"))
    status = models.CharField(
        _("статус"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.NEW,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("модератор"),
    )
    moderated_at = models.DateTimeField(_("рассмотрено"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("предложение")
        verbose_name_plural = _("предложения")

    def __str__(self):
        return _("Предложение от %(name)s") % {"name": self.name}


class CollectionRequest(ReaderSubmission):
    """A reader asks a partner library for an item; only that library's editors see it."""

    library = models.ForeignKey(
        "partnerships.LibraryPage",
        on_delete=models.CASCADE,
        related_name="collection_requests",
        verbose_name=_("библиотека"),
    )
    item = models.CharField(
        _("издание"),
        max_length=500,
        help_text=_("Автор, заглавие, год — всё, что известно об издании."),
    )
    message = models.TextField(_("комментарий"), blank=True)
    status = models.CharField(
        _("статус"),
        max_length=10,
        choices=CollectionRequestStatus.choices,
        default=CollectionRequestStatus.NEW,
        db_index=True,
    )
    reply = models.TextField(_("ответ библиотеки"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("запрос на издание из фонда")
        verbose_name_plural = _("запросы на издания из фондов")

    def __str__(self):
        return self.item
