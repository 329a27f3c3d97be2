from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from partnerships.hub import hub_figures, latest_activity
from partnerships.models import (
    CooperationIndexPage,
    EventIndexPage,
    IntroMixin,
    PublicationIndexPage,
    SettlementIndexPage,
)
from partnerships.models.mixins import slim_related
from partnerships.routing import DirectRoutingMixin


class HomePage(DirectRoutingMixin, IntroMixin, Page):
    """The hub's front page: live figures and the newest activity of every cooperation."""

    content_panels = Page.content_panels + IntroMixin.panels
    search_fields = Page.search_fields + IntroMixin.search_fields

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "partnerships.CooperationIndexPage",
        "partnerships.SettlementIndexPage",
        "partnerships.EventIndexPage",
        "partnerships.PublicationIndexPage",
    ]

    class Meta:
        verbose_name = _("главная страница")
        verbose_name_plural = _("главные страницы")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["figures"] = hub_figures(self.locale_id)
        latest = latest_activity(self.locale_id)
        # Cards show only the title and address of the cooperation and venue they link to.
        context.update(
            upcoming_events=slim_related(
                slim_related(latest["upcoming_events"].defer_streamfields(), "cooperation"),
                "venue_library",
            ),
            latest_publications=slim_related(
                latest["latest_publications"].defer_streamfields(), "cooperation"
            ).prefetch_related("cover__renditions"),
            latest_chronicle=slim_related(
                latest["latest_chronicle"].defer_streamfields(), "cooperation"
            ),
        )
        context["section_intros"] = self.section_intros()
        return context

    def section_intros(self):
        """{page id: intro} of the hub sections below, in one query across their tables."""
        querysets = [
            model.objects.live().child_of(self).order_by().values_list("pk", "intro")
            for model in (
                CooperationIndexPage,
                SettlementIndexPage,
                EventIndexPage,
                PublicationIndexPage,
            )
        ]
        return dict(querysets[0].union(*querysets[1:], all=True))
