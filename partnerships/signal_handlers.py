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


def register_signal_handlers():
    from .hub import forget_hub_figures
    from .models import CooperationPage, EventPage, LibraryPage, SettlementPage

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
