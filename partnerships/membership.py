"""Joining and leaving the Agreement by a message on the platform (§1.3, §5.3).

A library's editor files a request; the cooperation's moderators approve or reject it. An
approved change becomes part of the public history at once: the parties, the editors' rights,
the level and the chronicle follow in the same transaction, so nothing is ever half-written.
E-mails go out after the transaction, to the people the regulation names and no one else.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from . import mail, teams
from .choices import MembershipChangeKind, MembershipChangeStatus
from .models import ChroniclePage, CooperationPage, MembershipChange
from .models.cooperations import check_namesake, membership_history_errors

REQUESTED = "partnerships.membership_requested"
APPROVED = "partnerships.membership_approved"
REJECTED = "partnerships.membership_rejected"

LOG_ACTIONS = {
    REQUESTED: gettext_lazy("Заявка на участие в Соглашении"),
    APPROVED: gettext_lazy("Заявка на участие принята"),
    REJECTED: gettext_lazy("Заявка на участие отклонена"),
}


def namesake_cooperation(library):
    """The cooperation of the library's own settlement name, in the library's locale, or None."""
    settlement = library.settlement
    if settlement is None:
        return None
    return (
        CooperationPage.objects.filter(name_key=settlement.name_key, locale_id=library.locale_id)
        .order_by("-live", "pk")
        .first()
    )


def is_current_member(library, cooperation):
    return (
        MembershipChange.objects.current().filter(cooperation=cooperation, library=library).exists()
    )


def pending_request(library, cooperation):
    return (
        MembershipChange.objects.filter(
            cooperation=cooperation, library=library, status=MembershipChangeStatus.PENDING
        )
        .order_by("pk")
        .first()
    )


def request_change(library, kind, message, user, cooperation=None):
    """File a pending request of `library` to join or leave `cooperation` (its namesake's
    by default). Raise ValidationError, saving nothing, when the rules refuse it."""
    message = (message or "").strip()
    if kind not in MembershipChangeKind.values:
        raise ValidationError({"kind": _("Выберите: присоединение или выход.")})
    if not message:
        raise ValidationError(
            {"message": _("Напишите сообщение: о чём библиотека заявляет содружеству.")}
        )
    if cooperation is None:
        cooperation = namesake_cooperation(library)
        if cooperation is None:
            raise ValidationError(
                _("Содружества библиотек населённых пунктов с именем «%(name)s» пока нет.")
                % {"name": library.settlement.name if library.settlement else library.title}
            )
    check_namesake(cooperation, library)
    with transaction.atomic():
        # Lock the pair's rows so that two requests filed at once cannot both pass the checks.
        list(
            MembershipChange.objects.select_for_update().filter(
                cooperation=cooperation, library=library
            )
        )
        if pending_request(library, cooperation):
            raise ValidationError(
                _(
                    "Заявка библиотеки «%(library)s» в содружество «%(cooperation)s» уже "
                    "на рассмотрении. Дождитесь решения модераторов."
                )
                % {"library": library.title, "cooperation": cooperation.title}
            )
        member = is_current_member(library, cooperation)
        if kind == MembershipChangeKind.JOIN and member:
            raise ValidationError(
                _("Библиотека «%(library)s» уже участвует в Соглашении содружества.")
                % {"library": library.title}
            )
        if kind == MembershipChangeKind.LEAVE and not member:
            raise ValidationError(
                _(
                    "Библиотека «%(library)s» не участвует в Соглашении содружества, "
                    "выходить ей не из чего."
                )
                % {"library": library.title}
            )
        change = MembershipChange.objects.create(
            cooperation=cooperation,
            library=library,
            kind=kind,
            message=message,
            status=MembershipChangeStatus.PENDING,
            date=timezone.localdate(),
            requested_by=user,
        )
        log(
            instance=cooperation,
            action=REQUESTED,
            user=user,
            data=_log_data(change),
        )
    mail.send(
        teams.cooperation_moderators(cooperation),
        _("Новая заявка: %(library)s — %(kind)s")
        % {"library": library.title, "kind": change.get_kind_display()},
        _(
            "Библиотека «%(library)s» подала заявку в содружество «%(cooperation)s»: "
            "%(kind)s.\n\nСообщение библиотеки:\n%(message)s\n\n"
            "Принять или отклонить заявку: %(url)s\n"
        )
        % {
            "library": library.title,
            "cooperation": cooperation.title,
            "kind": change.get_kind_display(),
            "message": message,
            "url": mail.admin_url("partnerships_membership:requests"),
        },
    )
    return change


def approve_change(change, user, comment=""):
    """Make a pending request part of the Agreement's history, dated today."""
    with transaction.atomic():
        change = _locked_pending(change)
        cooperation = change.cooperation.specific
        library = change.library
        check_namesake(cooperation, library)
        change.status = MembershipChangeStatus.APPROVED
        change.date = timezone.localdate()
        change.decided_by = user
        change.decided_at = timezone.now()
        change.decision_comment = (comment or "").strip()
        history = list(
            MembershipChange.objects.approved()
            .filter(cooperation=cooperation)
            .exclude(pk=change.pk)
            .select_related("library")
        )
        errors = membership_history_errors([*history, change], cooperation.agreement_signed_on)
        if errors:
            raise ValidationError([message for _change, message in errors])
        # The post_save signal gives the rights, once, with `user` as who decided.
        change.save()
        entry = _chronicle(change, cooperation, user)
        log(
            instance=cooperation,
            action=APPROVED,
            user=user,
            data={**_log_data(change), "chronicle_id": entry.pk},
        )
    body = _(
        "Модераторы содружества «%(cooperation)s» приняли заявку библиотеки "
        "«%(library)s»: %(kind)s с %(date)s.\n"
    ) % {
        "cooperation": cooperation.title,
        "library": library.title,
        "kind": change.get_kind_display(),
        "date": f"{change.date:%d.%m.%Y}",
    }
    if change.decision_comment:
        body += _("\nКомментарий модератора:\n%(comment)s\n") % {"comment": change.decision_comment}
    body += _("\nУчастие библиотеки: %(url)s\n") % {
        "url": mail.admin_url("partnerships_membership:library")
    }
    mail.send(
        teams.library_editors(library),
        _("Заявка принята: %(library)s — %(kind)s")
        % {"library": library.title, "kind": change.get_kind_display()},
        body,
    )
    return change


def reject_change(change, user, comment):
    """Refuse a pending request; the comment tells the library why."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Напишите, почему заявка отклонена: библиотека получит это письмо.")}
        )
    with transaction.atomic():
        change = _locked_pending(change)
        change.status = MembershipChangeStatus.REJECTED
        change.decided_by = user
        change.decided_at = timezone.now()
        change.decision_comment = comment
        change.save()
        cooperation = change.cooperation
        log(instance=cooperation, action=REJECTED, user=user, data=_log_data(change))
    library = change.library
    mail.send(
        teams.library_editors(library),
        _("Заявка отклонена: %(library)s — %(kind)s")
        % {"library": library.title, "kind": change.get_kind_display()},
        _(
            "Модераторы содружества «%(cooperation)s» отклонили заявку библиотеки "
            "«%(library)s»: %(kind)s.\n\nКомментарий модератора:\n%(comment)s\n\n"
            "Участие библиотеки: %(url)s\n"
        )
        % {
            "cooperation": cooperation.title,
            "library": library.title,
            "kind": change.get_kind_display(),
            "comment": comment,
            "url": mail.admin_url("partnerships_membership:library"),
        },
    )
    return change


def _locked_pending(change):
    """Re-read the request under a lock; a decided request is not decided twice."""
    locked = (
        # Only the request's own row: PostgreSQL cannot lock the nullable side of a join.
        MembershipChange.objects.select_for_update(of=("self",))
        .select_related("library__settlement", "cooperation")
        .filter(pk=change.pk)
        .first()
    )
    if locked is None or locked.status != MembershipChangeStatus.PENDING:
        raise ValidationError(_("Эта заявка уже рассмотрена."))
    return locked


def _chronicle(change, cooperation, user):
    """A published, dated chronicle entry saying who joined or left."""
    library = change.library
    values = {
        "library": library.title,
        "cooperation": cooperation.title,
        "date": f"{change.date:%d.%m.%Y}",
    }
    if change.kind == MembershipChangeKind.JOIN:
        title = _("Библиотека «%(library)s» присоединилась к Соглашению") % values
        intro = (
            _(
                "%(date)s библиотека «%(library)s» присоединилась к Соглашению о сотрудничестве "
                "содружества «%(cooperation)s»."
            )
            % values
        )
    else:
        title = _("Библиотека «%(library)s» вышла из Соглашения") % values
        intro = (
            _(
                "%(date)s библиотека «%(library)s» вышла из Соглашения о сотрудничестве "
                "содружества «%(cooperation)s»."
            )
            % values
        )
    entry = ChroniclePage(
        title=title[:255],
        slug=f"membership-{change.pk}",
        date=change.date,
        intro=intro[:600],
        body=[("quote", {"text": change.message, "attribution": library.title})],
        owner=user,
    )
    if change.kind == MembershipChangeKind.JOIN:
        entry.partner_libraries = [library]
    cooperation.add_child(instance=entry)
    entry.save_revision(user=user, log_action=True).publish(user=user)
    return entry


def _log_data(change):
    return {
        "change_id": change.pk,
        "library_id": change.library_id,
        "library": change.library.title,
        "kind": change.kind,
        "status": change.status,
        "date": change.date.isoformat(),
        "comment": change.decision_comment,
    }
