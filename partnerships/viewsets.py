from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import District, GazetteerSettlement, Region


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


class GazetteerSettlementViewSet(SnippetViewSet):
    """The imported gazetteer; editors complete rows the source left without a region."""

    model = GazetteerSettlement
    icon = "site"
    list_display = ["name", "kind", "region", "district_name", "oktmo", "population"]
    list_filter = ["region", "source"]
    search_fields = ["name", "name_key", "oktmo"]
    search_backend_name = None
    ordering = ["name_key", "region__name"]
    list_per_page = 50

    def get_queryset(self, request):
        return GazetteerSettlement.objects.select_related("region", "district")


class ReferenceDataViewSetGroup(SnippetViewSetGroup):
    items = (RegionViewSet, DistrictViewSet, GazetteerSettlementViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Справочники")
    menu_name = "partnerships-reference"
