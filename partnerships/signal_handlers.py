from wagtail.signals import post_page_move


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
    post_page_move.connect(keep_tree_links, dispatch_uid="partnerships_keep_tree_links")
