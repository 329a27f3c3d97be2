from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from partnerships.hub import hub_figures, latest_activity
from partnerships.models import IntroMixin


class HomePage(IntroMixin, Page):
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
        context.update(latest_activity(self.locale_id))
        return context
