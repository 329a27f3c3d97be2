"""What onboarding provisions: editors, moderators, collections and the moderation workflow.

The rows here link a library or a cooperation to the Django group, Wagtail collection and
workflow made for it, so renaming and deleting can find them again (names are not keys).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import AbstractGroupApprovalTask, Collection, TaskState, Workflow


class LibraryTeam(models.Model):
    library = models.OneToOneField(
        "partnerships.LibraryPage",
        on_delete=models.CASCADE,
        related_name="team",
        verbose_name=_("библиотека"),
    )
    editors = models.OneToOneField(
        Group,
        on_delete=models.CASCADE,
        related_name="library_team",
        verbose_name=_("группа редакторов"),
    )
    collection = models.OneToOneField(
        Collection,
        on_delete=models.CASCADE,
        related_name="library_team",
        verbose_name=_("коллекция изображений и документов"),
    )

    class Meta:
        verbose_name = _("команда библиотеки")
        verbose_name_plural = _("команды библиотек")

    def __str__(self):
        return str(self.editors)


class CooperationTeam(models.Model):
    cooperation = models.OneToOneField(
        "partnerships.CooperationPage",
        on_delete=models.CASCADE,
        related_name="team",
        verbose_name=_("содружество"),
    )
    moderators = models.OneToOneField(
        Group,
        on_delete=models.CASCADE,
        related_name="cooperation_team",
        verbose_name=_("группа модераторов"),
    )
    workflow = models.OneToOneField(
        Workflow,
        on_delete=models.CASCADE,
        related_name="cooperation_team",
        verbose_name=_("процесс модерации"),
    )

    class Meta:
        verbose_name = _("модераторы содружества")
        verbose_name_plural = _("модераторы содружеств")

    def __str__(self):
        return str(self.moderators)


class ModerationTask(AbstractGroupApprovalTask):
    """Approval by a cooperation's moderators (or the hub's), optionally by every party.

    Unlike Wagtail's group task, hub administrators may act without being told of every
    submission, and a cooperation may ask for one approval per partner library named.
    """

    cooperation = models.ForeignKey(
        "partnerships.CooperationPage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_tasks",
        verbose_name=_("содружество"),
    )

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields

    class Meta:
        verbose_name = _("утверждение модераторами")
        verbose_name_plural = _("утверждение модераторами")

    @classmethod
    def get_description(cls):
        return _(
            "Утверждают модераторы содружества; если содружество так решило, — модератор "
            "от каждой библиотеки-партнёра, названной в материале."
        )

    def _user_in_groups(self, user):
        from ..teams import is_hub_admin

        return super()._user_in_groups(user) or is_hub_admin(user)

    def required_parties(self, task_state):
        """The current member libraries named in the submitted revision, when two or more."""
        from .cooperations import MembershipChange
        from .settlements import LibraryPage

        if self.cooperation_id is None or not self.cooperation.all_parties_sign_off:
            return []
        submitted = task_state.revision.as_object() if task_state.revision_id else None
        named = getattr(submitted, "partner_libraries", None)
        if named is None:
            return []
        named_ids = {library.pk for library in named.all()}
        if len(named_ids) < 2:
            return []
        current = MembershipChange.objects.current().filter(
            cooperation_id=self.cooperation_id, library_id__in=named_ids
        )
        return list(
            LibraryPage.objects.filter(pk__in=current.values("library_id")).order_by("title")
        )

    def parties_awaited(self, task_state):
        approved = set(task_state.party_approvals.values_list("library_id", flat=True))
        return [party for party in self.required_parties(task_state) if party.pk not in approved]

    def parties_represented_by(self, user, parties):
        """Hub administrators answer for every party; a moderator for the libraries they edit."""
        from ..teams import is_hub_admin, libraries_of

        if is_hub_admin(user):
            return list(parties)
        if not super()._user_in_groups(user):
            return []
        own = set(libraries_of(user).values_list("pk", flat=True))
        return [party for party in parties if party.pk in own]

    def get_actions(self, obj, user):
        if not self._user_in_groups(user):
            return []
        reject = ("reject", _("Вернуть на доработку"), True)
        task_state = getattr(obj, "current_workflow_task_state", None)
        awaited = self.parties_awaited(task_state) if task_state else []
        if awaited and not self.parties_represented_by(user, awaited):
            return [reject]
        return [
            reject,
            ("approve", _("Утвердить"), False),
            ("approve", _("Утвердить с комментарием"), True),
        ]

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != "approve":
            return super().on_action(task_state, user, action_name, **kwargs)
        awaited = self.parties_awaited(task_state)
        if awaited:
            mine = self.parties_represented_by(user, awaited)
            if not mine:
                raise PermissionDenied
            for library in mine:
                PartyApproval.objects.get_or_create(
                    task_state=task_state,
                    library=library,
                    defaults={"user": user, "comment": kwargs.get("comment", "")},
                )
                log(
                    instance=task_state.workflow_state.content_object,
                    action="partnerships.party_approved",
                    user=user,
                    data={"library": library.title, "task": self.name},
                )
            if len(mine) < len(awaited):
                return None
        task_state.approve(user=user, **kwargs)
        return None

    def get_form_for_action(self, action):
        if action == "reject":
            from ..forms import RejectionForm

            return RejectionForm
        return super().get_form_for_action(action)


class PartyApproval(models.Model):
    """One partner library's sign-off on a joint item under all-parties moderation."""

    task_state = models.ForeignKey(
        TaskState, on_delete=models.CASCADE, related_name="party_approvals"
    )
    library = models.ForeignKey(
        "partnerships.LibraryPage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("библиотека"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("модератор"),
    )
    comment = models.TextField(_("комментарий"), blank=True)
    approved_at = models.DateTimeField(_("утверждено"), auto_now_add=True)

    class Meta:
        verbose_name = _("согласование стороны")
        verbose_name_plural = _("согласования сторон")
        constraints = [
            models.UniqueConstraint(
                fields=["task_state", "library"], name="partnerships_one_approval_per_party"
            )
        ]
