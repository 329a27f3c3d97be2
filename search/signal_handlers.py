"""The search facets' kept facts (search.models.PageFacts) are dropped whenever something they
were derived from changes; the next search that needs them derives them again.

A page's facts come from its own rows, and from others': a library's region is its
settlement's, a joint item's regions are its partner and responsible libraries', a
cooperation's are its members', a library's cooperations are the live ones it belongs to, a
settlement's cooperation is the live namesake one in its locale, a joint item's cooperation
is its parent; and the facts keep the names of their regions and cooperations. A document's
facts come from the publications and agreements that publish it.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from partnerships.models import (
    ChroniclePage,
    CooperationPage,
    EventPage,
    LibraryPage,
    MembershipChange,
    ProgramPage,
    PublicationPage,
    Region,
    SettlementPage,
    WorkPlanItem,
)
from partnerships.signals import parties_changed
from search.models import DocumentFacts, PageFacts

PARTNERED_MODELS = (EventPage, ProgramPage, PublicationPage, ChroniclePage)
# The pages whose documents the search shows: a publication's, a cooperation's agreement.
PUBLISHING_MODELS = (PublicationPage, CooperationPage)


def naming_libraries(libraries):
    """The pages whose facts name one of the libraries (a queryset of their ids or a list)."""
    condition = Q(page_id__in=EventPage.objects.filter(venue_library__in=libraries).values("pk"))
    for model in PARTNERED_MODELS:
        condition |= Q(
            page_id__in=model.objects.filter(partner_libraries__in=libraries).values("pk")
        )
    condition |= Q(
        page_id__in=WorkPlanItem.objects.filter(responsible_library__in=libraries).values("plan_id")
    )
    condition |= Q(
        page_id__in=MembershipChange.objects.filter(library__in=libraries).values("cooperation_id")
    )
    return condition


def naming_cooperation(pk):
    """The facts whose cooperations (lines of "pk<TAB>name") include this one."""
    return Q(cooperations__startswith=f"{pk}\t") | Q(cooperations__contains=f"\n{pk}\t")


def depending_on(page):
    """The facts that depend on this page, its own among them."""
    condition = Q(page_id=page.pk)
    model = page.specific_class
    if model is CooperationPage:
        page = page.specific_deferred
        # Every fact that names it (its joint items, its members, the settlements of its name,
        # also of a name it no longer has), and the libraries that may now name it.
        condition |= naming_cooperation(page.pk)
        condition |= Q(
            page_id__in=MembershipChange.objects.filter(cooperation_id=page.pk).values("library_id")
        )
        condition |= Q(
            page_id__in=SettlementPage.objects.filter(
                locale_id=page.locale_id, name_key=page.name_key
            ).values("pk")
        )
    elif model is SettlementPage:
        libraries = LibraryPage.objects.filter(settlement_id=page.pk).values("pk")
        condition |= Q(page_id__in=libraries) | naming_libraries(libraries)
    elif model is LibraryPage:
        condition |= naming_libraries([page.pk])
    return condition


def forget_page_facts(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    PageFacts.objects.filter(depending_on(instance)).delete()
    if instance.specific_class in PUBLISHING_MODELS:
        forget_document_facts()


def forget_document_facts():
    """A publication or a cooperation changed: documents are few, and any may be theirs (or
    have been, before this change)."""
    DocumentFacts.objects.all().delete()


def forget_moved_facts(sender, instance, **kwargs):
    """A moved subtree: its joint items have a new cooperation, its libraries a new
    settlement (and region), and what names those libraries a new region."""
    pages = Page.objects.filter(path__startswith=Page.objects.get(pk=instance.pk).path)
    libraries = LibraryPage.objects.filter(pk__in=pages.values("pk")).values("pk")
    PageFacts.objects.filter(
        Q(page_id__in=pages.values("pk")) | naming_libraries(libraries)
    ).delete()
    forget_document_facts()


def forget_parties_facts(sender, instance, **kwargs):
    """The cooperation's parties changed: its members' regions, its libraries' cooperations."""
    libraries = MembershipChange.objects.filter(cooperation_id=instance.pk).values("library_id")
    PageFacts.objects.filter(Q(page_id=instance.pk) | Q(page_id__in=libraries)).delete()


def forget_all_facts(sender, raw=False, **kwargs):
    """A region renamed or removed: regions are few and seldom edited, every fact may name it."""
    if not raw:
        PageFacts.objects.all().delete()


def forget_plan_facts(sender, instance, raw=False, **kwargs):
    if not raw and instance.plan_id:
        PageFacts.objects.filter(page_id=instance.plan_id).delete()


def is_page_model(model):
    return isinstance(model, type) and issubclass(model, Page)


def forget_saved_page_facts(sender, instance, **kwargs):
    if is_page_model(sender):
        forget_page_facts(sender, instance, **kwargs)


def register_signal_handlers():
    # Any page model: Wagtail saves and deletes pages through their specific models.
    for signal in (post_save, pre_delete, page_published, page_unpublished):
        signal.connect(forget_saved_page_facts, dispatch_uid=f"search_page_facts_{id(signal)}")
    post_page_move.connect(forget_moved_facts, dispatch_uid="search_moved_facts")
    parties_changed.connect(forget_parties_facts, dispatch_uid="search_parties_facts")
    for signal in (post_save, post_delete):
        signal.connect(
            forget_plan_facts, sender=WorkPlanItem, dispatch_uid=f"search_plan_facts_{id(signal)}"
        )
        signal.connect(
            forget_all_facts, sender=Region, dispatch_uid=f"search_region_facts_{id(signal)}"
        )
