from django.db.models.signals import post_delete, post_save
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


def follow_team_page(sender, instance, raw=False, **kwargs):
    """A library or a cooperation, once in the tree, has its team; a rename renames it."""
    from .teams import follow_page

    if raw or not instance.path:
        return
    follow_page(instance)


def retire_team(sender, instance, **kwargs):
    from .models import LibraryTeam
    from .teams import retire_cooperation_team, retire_library_team

    if isinstance(instance, LibraryTeam):
        retire_library_team(instance)
    else:
        retire_cooperation_team(instance)


def follow_membership(sender, instance, raw=False, **kwargs):
    """Rights follow the Agreement's parties, however a history row was changed."""
    from .models import CooperationPage
    from .teams import sync_membership_rights

    if raw:
        return
    cooperation = CooperationPage.objects.filter(pk=instance.cooperation_id).first()
    if cooperation is not None:
        sync_membership_rights(cooperation, instance.decided_by)


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
        post_save.connect(
            follow_team_page, sender=model, dispatch_uid=f"partnerships_team_{model.__name__}"
        )
    for model in (LibraryTeam, CooperationTeam):
        post_delete.connect(
            retire_team, sender=model, dispatch_uid=f"partnerships_retire_{model.__name__}"
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
