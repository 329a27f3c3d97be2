"""Public views that are not pages: the namesake cluster and the partner finder («Найти тёзок»).

They read the gazetteer, which is reference data rather than content, so they live outside the
page tree; each answers with a bounded number of queries, however large the cluster.
"""

from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from .models import CooperationIndexPage, GazetteerSettlement
from .names import normalise_name
from .namesakes import namesake_cluster

MAX_NAME_LENGTH = 200
MAX_ID_LENGTH = 12
SUGGEST_LIMIT = 10
FINDER_LIMIT = 50


def russian_plural(count, one, few, many):
    """The Russian form for a number: 1 пункт, 2 пункта, 5 пунктов (21 пункт, 11 пунктов).

    The project has no message catalogue with Russian plural forms yet, so `ngettext` would pick
    «пунктов» for 2; the three forms are chosen here by the CLDR rule instead.
    """
    count = abs(count)
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def cluster_heading(cluster, display_name):
    """«Никольское: 227 населённых пунктов в 48 регионах»."""
    settlements = cluster.settlements_count
    regions = cluster.regions_count
    settlements_text = russian_plural(
        settlements,
        _("%(count)s населённый пункт"),
        _("%(count)s населённых пункта"),
        _("%(count)s населённых пунктов"),
    ) % {"count": settlements}
    if not regions:
        return _("%(name)s: %(settlements)s") % {
            "name": display_name,
            "settlements": settlements_text,
        }
    regions_text = russian_plural(
        regions, _("в %(count)s регионе"), _("в %(count)s регионах"), _("в %(count)s регионах")
    ) % {"count": regions}
    return _("%(name)s: %(settlements)s %(regions)s") % {
        "name": display_name,
        "settlements": settlements_text,
        "regions": regions_text,
    }


def _display_name(cluster):
    for group in cluster.groups:
        for namesake in group.namesakes:
            return namesake.settlement.name
    if cluster.cooperation is not None:
        return cluster.cooperation.settlement_name
    if cluster.unmatched_pages:
        return cluster.unmatched_pages[0].name
    return cluster.name


def _district_name(settlement):
    if settlement.district_id:
        return settlement.district.name
    return settlement.district_name


def _map_points(cluster):
    """Markers for the settlements with coordinates, as plain data for the map script."""
    points = []
    for group in cluster.groups:
        for namesake in group.namesakes:
            settlement = namesake.settlement
            if settlement.latitude is None or settlement.longitude is None:
                continue
            points.append(
                {
                    "lat": float(settlement.latitude),
                    "lon": float(settlement.longitude),
                    "name": settlement.name,
                    "place": ", ".join(
                        part
                        for part in (
                            _district_name(settlement),
                            group.region.name if group.region else "",
                        )
                        if part
                    ),
                    "url": namesake.page.url if namesake.page is not None else "",
                    "inHub": namesake.in_hub,
                }
            )
    return points


def _editor_links(request, cluster):
    """For an editor: where to start the cooperation of this name, or where to edit it."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("wagtailadmin.access_admin"):
        return {}
    if cluster.cooperation is not None:
        if cluster.cooperation.permissions_for_user(user).can_edit():
            return {
                "edit_cooperation_url": reverse(
                    "wagtailadmin_pages:edit", args=[cluster.cooperation.pk]
                )
            }
        return {}
    index = CooperationIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    if index is None or not index.permissions_for_user(user).can_add_subpage():
        return {}
    return {
        "add_cooperation_url": reverse(
            "wagtailadmin_pages:add",
            args=["partnerships", "cooperationpage", index.pk],
        )
    }


def _cluster_context(request, cluster):
    display_name = _display_name(cluster)
    return {
        "cluster": cluster,
        "display_name": display_name,
        "heading": cluster_heading(cluster, display_name),
        "map_points": _map_points(cluster),
        "map_tile_url": getattr(settings, "PARTNERSHIPS_MAP_TILE_URL", ""),
        **_editor_links(request, cluster),
    }


def _is_empty(cluster):
    return (
        not cluster.settlements_count
        and cluster.cooperation is None
        and not cluster.unmatched_pages
    )


@require_safe
def cluster(request, name):
    """All the settlements of one name, by region, with their libraries and cooperations."""
    if len(name) > MAX_NAME_LENGTH or not normalise_name(name):
        raise Http404(_("Такого названия нет в справочнике."))
    found = namesake_cluster(name)
    if _is_empty(found):
        raise Http404(_("Такого названия нет в справочнике."))
    return TemplateResponse(
        request, "partnerships/namesakes/cluster.html", _cluster_context(request, found)
    )


def _matching(key, limit):
    """Settlements whose name key starts with `key`, from an index.

    PostgreSQL serves the prefix from the pattern index Django adds for the field; SQLite's
    LIKE would scan the whole index, so there the same prefix is also given as a range, which
    its binary collation keeps exact.
    """
    settlements = GazetteerSettlement.objects.filter(name_key__startswith=key)
    if connection.vendor == "sqlite":
        settlements = settlements.filter(name_key__gte=key, name_key__lt=key + "\U0010ffff")
    return list(
        settlements.select_related("region", "district").order_by(
            "name_key", "region__name", "district__name", "pk"
        )[:limit]
    )


@require_safe
def finder(request):
    """«Найти тёзок»: type a name, choose your settlement, see its namesakes across Russia.

    Works without JavaScript: the form lists the matching settlements to choose from.
    """
    query = request.GET.get("q", "").strip()
    chosen_id = request.GET.get("settlement", "").strip()
    context = {"query": query[:MAX_NAME_LENGTH], "max_length": MAX_NAME_LENGTH}

    if "settlement" in request.GET:
        if not (chosen_id.isascii() and chosen_id.isdigit()) or len(chosen_id) > MAX_ID_LENGTH:
            context["error"] = _("Не удалось понять, какой населённый пункт выбран.")
            return TemplateResponse(
                request, "partnerships/namesakes/finder.html", context, status=400
            )
        chosen = (
            GazetteerSettlement.objects.select_related("region", "district")
            .filter(pk=int(chosen_id))
            .first()
        )
        if chosen is None:
            context["error"] = _("Такого населённого пункта нет в справочнике.")
            return TemplateResponse(
                request, "partnerships/namesakes/finder.html", context, status=404
            )
        found = namesake_cluster(chosen.name)
        context.update(_cluster_context(request, found))
        context.update(chosen=chosen, query=context["query"] or chosen.name)
        return TemplateResponse(request, "partnerships/namesakes/finder.html", context)

    if query:
        if len(query) > MAX_NAME_LENGTH:
            context["error"] = _("Название слишком длинное.")
            return TemplateResponse(
                request, "partnerships/namesakes/finder.html", context, status=400
            )
        key = normalise_name(query)
        matches = _matching(key, FINDER_LIMIT + 1) if key else []
        context["matches"] = matches[:FINDER_LIMIT]
        context["more_matches"] = len(matches) > FINDER_LIMIT
        context["exact_key"] = key if matches and matches[0].name_key == key else ""
        context["searched"] = True
    return TemplateResponse(request, "partnerships/namesakes/finder.html", context)


@require_safe
def suggest(request):
    """Settlements whose name starts with the typed text, with region and district to tell them
    apart; an indexed prefix query on the name key."""
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_NAME_LENGTH:
        return JsonResponse({"error": _("Название слишком длинное."), "results": []}, status=400)
    key = normalise_name(query)
    if not key:
        return JsonResponse({"results": []})
    finder_url = reverse("partnerships:finder")
    results = [
        {
            "id": settlement.pk,
            "name": settlement.name,
            "kind": settlement.get_kind_display()
            if settlement.kind
            else settlement.official_status,
            "region": settlement.region.name if settlement.region_id else "",
            "district": _district_name(settlement),
            "url": f"{finder_url}?settlement={settlement.pk}",
        }
        for settlement in _matching(key, SUGGEST_LIMIT)
    ]
    return JsonResponse({"results": results})
