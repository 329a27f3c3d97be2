"""The hub's sections: listings of cooperations, settlements, events and publications."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from ..choices import EventKind, PublicationKind
from .mixins import IntroMixin, section_parent_page_types, slim_related

PAGE_SIZE = 12


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of results; a bad or too large page number gives the nearest real page."""
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page", 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def int_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


class SectionPage(IntroMixin, Page):
    """A hub section: one of a kind under the site's home page."""

    content_panels = Page.content_panels + IntroMixin.panels
    search_fields = Page.search_fields + IntroMixin.search_fields
    max_count_per_parent = 1

    class Meta:
        abstract = True


class CooperationIndexPage(SectionPage):
    template = "partnerships/pages/cooperation_index_page.html"
    parent_page_types = section_parent_page_types()
    subpage_types = ["partnerships.CooperationPage"]

    class Meta:
        verbose_name = _("раздел «Содружества»")
        verbose_name_plural = _("разделы «Содружества»")

    def get_context(self, request, *args, **kwargs):
        from .cooperations import CooperationPage, MembershipChange

        context = super().get_context(request, *args, **kwargs)
        cooperations = (
            CooperationPage.objects.live()
            .child_of(self)
            .defer_streamfields()
            .select_related("emblem")
            .prefetch_related(
                "emblem__renditions",
                Prefetch(
                    "membership_changes",
                    queryset=MembershipChange.objects.current()
                    .filter(library__live=True)
                    .select_related("library__settlement__region")
                    .only("cooperation", "library__settlement__region__name")
                    .order_by("library__title"),
                    to_attr="current_memberships",
                ),
            )
            .order_by("title")
        )
        context["cooperations"] = paginate(request, cooperations)
        return context


class SettlementIndexPage(SectionPage):
    template = "partnerships/pages/settlement_index_page.html"
    parent_page_types = section_parent_page_types()
    subpage_types = ["partnerships.SettlementPage"]

    class Meta:
        verbose_name = _("раздел «Населённые пункты»")
        verbose_name_plural = _("разделы «Населённые пункты»")

    def get_context(self, request, *args, **kwargs):
        from .reference import Region
        from .settlements import SettlementPage

        context = super().get_context(request, *args, **kwargs)
        settlements = (
            SettlementPage.objects.live()
            .child_of(self)
            .select_related("region", "district")
            .annotate(library_count=Count("libraries", filter=Q(libraries__live=True)))
            .order_by("name", "region__name")
        )
        region_id = int_param(request, "region")
        if region_id:
            settlements = settlements.filter(region_id=region_id)
        context["regions"] = Region.objects.filter(
            settlements__in=SettlementPage.objects.live().child_of(self)
        ).distinct()
        context["selected_region"] = region_id
        context["settlements"] = paginate(request, settlements)
        return context


class EventIndexPage(SectionPage):
    template = "partnerships/pages/event_index_page.html"
    parent_page_types = section_parent_page_types()
    subpage_types = []

    class Meta:
        verbose_name = _("раздел «Мероприятия»")
        verbose_name_plural = _("разделы «Мероприятия»")

    def get_context(self, request, *args, **kwargs):
        from .activities import EventPage, with_card_relations
        from .cooperations import CooperationPage

        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.live().filter(locale_id=self.locale_id)
        when = request.GET.get("when")
        events = events.past() if when == "past" else events.upcoming()
        kind = request.GET.get("kind")
        if kind in EventKind.values:
            events = events.filter(kind=kind)
        cooperation_id = int_param(request, "cooperation")
        if cooperation_id:
            events = events.filter(cooperation_id=cooperation_id)
        context.update(
            events=paginate(
                request,
                with_card_relations(events)
                .select_related("image")
                .prefetch_related("image__renditions"),
            ),
            when="past" if when == "past" else "upcoming",
            kinds=EventKind.choices,
            selected_kind=kind if kind in EventKind.values else "",
            cooperations=CooperationPage.objects.live()
            .filter(locale_id=self.locale_id)
            .order_by("title")
            .only("id", "title"),
            selected_cooperation=cooperation_id,
        )
        return context


class PublicationIndexPage(SectionPage):
    template = "partnerships/pages/publication_index_page.html"
    parent_page_types = section_parent_page_types()
    subpage_types = []

    class Meta:
        verbose_name = _("раздел «Издания»")
        verbose_name_plural = _("разделы «Издания»")

    def get_context(self, request, *args, **kwargs):
        from .activities import PublicationPage
        from .cooperations import CooperationPage

        context = super().get_context(request, *args, **kwargs)
        publications = PublicationPage.objects.live().filter(locale_id=self.locale_id)
        kind = request.GET.get("kind")
        if kind in PublicationKind.values:
            publications = publications.filter(kind=kind)
        year = int_param(request, "year")
        if year:
            publications = publications.filter(year=year)
        cooperation_id = int_param(request, "cooperation")
        if cooperation_id:
            publications = publications.filter(cooperation_id=cooperation_id)
        context.update(
            publications=paginate(
                request,
                slim_related(publications.defer_streamfields(), "cooperation")
                .select_related("cooperation", "cover", "document")
                .prefetch_related("cover__renditions")
                .order_by("-year", "title"),
            ),
            kinds=PublicationKind.choices,
            selected_kind=kind if kind in PublicationKind.values else "",
            years=PublicationPage.objects.live()
            .filter(locale_id=self.locale_id)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct(),
            selected_year=year,
            cooperations=CooperationPage.objects.live()
            .filter(locale_id=self.locale_id)
            .order_by("title")
            .only("id", "title"),
            selected_cooperation=cooperation_id,
        )
        return context
