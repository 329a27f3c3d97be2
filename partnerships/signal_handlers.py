from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.signals import page_published, page_unpublished, post_page_move


def keep_tree_links(sender, instance, **kwargs):
    """A moved library or joint item follows its new parent (its settlement, its cooperation)."""
    from .models import CooperationContentMixin, LibraryPage

    page = instance.specific_deferred
    model = type(page)
    if isinstance(page, LibraryPage):
        model.objects.filter(pk=page.pk).update(settlement_id=page.find_settlement_id())
    elif isinstance(page, CooperationContentMixin):
        model.objects.filter(pk=page.pk).update(cooperation_id=page.get_parent().pk)


def note_team_title(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a library or a cooperation is saved: does this save write a new title?

    Only a new page and a new title give its team something to follow; a revision or a
    publication that keeps the title costs one small query at most.
    """
    from wagtail.models import Page

    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "title" not in update_fields:
        instance._partnerships_title_changed = False
        return
    stored = Page.objects.filter(pk=instance.pk).values_list("title", flat=True)
    instance._partnerships_title_changed = stored.first() != instance.title


def follow_team_page(sender, instance, created=False, raw=False, **kwargs):
    """A library or a cooperation, once in the tree, has its team; a rename renames it.

    A new translation is a new page too: its source's team gets rights on it.
    """
    from .teams import follow_page

    title_changed = instance.__dict__.pop("_partnerships_title_changed", True)
    if raw or not instance.path or not (created or title_changed):
        return
    follow_page(instance)


def retire_team(sender, instance, **kwargs):
    from .models import LibraryTeam
    from .teams import retire_cooperation_team, retire_library_team

    if isinstance(instance, LibraryTeam):
        retire_library_team(instance)
    else:
        retire_cooperation_team(instance)


def note_membership_status(sender, instance, raw=False, **kwargs):
    """Before a history row is saved: was it approved, as stored, and in which cooperation?
    Only then, or when it is approved now, can the save change who the parties are — in the
    cooperation it names now and, when it was moved, in the one it named before."""
    from .choices import MembershipChangeStatus

    stored = None
    if not (raw or instance._state.adding or instance.pk is None):
        stored = (
            type(instance)
            .objects.filter(pk=instance.pk)
            .values_list("status", "cooperation_id")
            .first()
        )
    was_approved = stored is not None and stored[0] == MembershipChangeStatus.APPROVED
    instance._partnerships_was_approved = was_approved
    instance._partnerships_was_in = stored[1] if was_approved else None


def follow_membership(sender, instance, raw=False, **kwargs):
    """Rights follow the Agreement's parties, however an approved history row was changed:
    by the moderators' decision, the history admin, or a shell. A pending or rejected row
    that never was approved changes nothing, so it costs nothing."""
    from .choices import MembershipChangeStatus
    from .models import CooperationPage
    from .teams import sync_membership_rights

    was_approved = instance.__dict__.pop("_partnerships_was_approved", False)
    was_in = instance.__dict__.pop("_partnerships_was_in", None)
    if raw or not (instance.status == MembershipChangeStatus.APPROVED or was_approved):
        return
    user = instance.decided_by if instance.decided_by_id else None
    cooperations = {instance.cooperation_id, was_in} - {None}
    for cooperation in CooperationPage.objects.filter(pk__in=cooperations).order_by("pk"):
        sync_membership_rights(cooperation, user)


def register_signal_handlers():
    from .hub import forget_hub_figures
    from .models import (
        CooperationPage,
        CooperationTeam,
        EventPage,
        LibraryPage,
        LibraryTeam,
        MembershipChange,
        SettlementPage,
    )

    for model in (LibraryPage, CooperationPage):
        pre_save.connect(
            note_team_title, sender=model, dispatch_uid=f"partnerships_title_{model.__name__}"
        )
        post_save.connect(
            follow_team_page, sender=model, dispatch_uid=f"partnerships_team_{model.__name__}"
        )
    for model in (LibraryTeam, CooperationTeam):
        post_delete.connect(
            retire_team, sender=model, dispatch_uid=f"partnerships_retire_{model.__name__}"
        )
    pre_save.connect(
        note_membership_status,
        sender=MembershipChange,
        dispatch_uid="partnerships_membership_status",
    )
    for signal in (post_save, post_delete):
        signal.connect(
            follow_membership,
            sender=MembershipChange,
            dispatch_uid=f"partnerships_membership_{id(signal)}",
        )

    post_page_move.connect(keep_tree_links, dispatch_uid="partnerships_keep_tree_links")
    post_page_move.connect(forget_hub_figures, dispatch_uid="partnerships_figures_move")
    for signal in (page_published, page_unpublished):
        signal.connect(forget_hub_figures, dispatch_uid=f"partnerships_figures_{id(signal)}")
    for model in (CooperationPage, EventPage, LibraryPage, SettlementPage):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_hub_figures,
                sender=model,
                dispatch_uid=f"partnerships_figures_{model.__name__}_{id(signal)}",
            )
