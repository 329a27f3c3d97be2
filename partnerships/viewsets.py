from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import District, Region


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "globe"
    list_display = ["name", "code"]
    search_fields = ["name"]
    ordering = ["name"]


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    list_display = ["name", "region", "oktmo"]
    list_filter = ["region"]
    search_fields = ["name"]


class ReferenceDataViewSetGroup(SnippetViewSetGroup):
    items = (RegionViewSet, DistrictViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Справочники")
    menu_name = "partnerships-reference"
