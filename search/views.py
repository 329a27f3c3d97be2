from urllib.parse import urlencode

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from wagtail.contrib.search_promotions.models import Query

from search import facets
from search.query import MAX_QUERY_LENGTH, ParamsError, clean_text, read_params
from search.service import EngineUnavailable, HubSearch, Outcome, record_hit

POPULAR_QUERIES = 8


def _popular_queries():
    return [query.query_string for query in Query.get_most_popular()[:POPULAR_QUERIES]]


@require_safe
def search(request):
    """The search page: results, facets, sorting, pages; 400 for a parameter it cannot read."""
    try:
        params = read_params(request.GET, facets.type_labels())
    except ParamsError as error:
        text, _truncated = clean_text(request.GET.get("query", ""))
        return TemplateResponse(
            request,
            "search/search_page.html",
            {"search_query": text, "error": str(error)},
            status=400,
        )
    hub = HubSearch(request=request)
    try:
        outcome = hub.run(params)
        unavailable = False
    except EngineUnavailable:
        outcome, unavailable = Outcome(params=params, degraded=True), True
    if params.query and params.page == 1 and not params.filters and not unavailable:
        record_hit(params.query.text)
    context = {
        "search_query": params.query.text,
        "params": params,
        "outcome": outcome,
        "search_results": outcome.page,
        "unavailable": unavailable,
        "facet_groups": _facet_groups(request, outcome),
        "active_filters": _active_filters(request, outcome),
        "popular_queries": _popular_queries() if not outcome.hits else [],
        "max_query_length": MAX_QUERY_LENGTH,
    }
    return TemplateResponse(request, "search/search_page.html", context)


FACET_TITLES = {
    "type": _("Что искать"),
    "cooperation": _("Содружество"),
    "region": _("Регион"),
    "year": _("Год"),
}


def _url_with(request, name, value):
    """This search's address with one facet set (or removed, for None), from page 1."""
    return _facet_urls(request, name)(value)


def _facet_urls(request, name):
    """url(value) for one facet: the rest of the address is encoded once, not once per value
    (a facet may list hundreds of cooperations)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(name, None)
    rest = query.urlencode()

    def url(value):
        if value is None:
            return "?" + rest
        return "?" + "&".join(part for part in (rest, urlencode({name: value})) if part)

    return url


# Regions and cooperations list the most frequent values (and the selected one): a common
# word's results span hundreds of cooperations, which nobody scans and every request renders.
FACET_SHOWN = {"region": 12, "cooperation": 12}


def _facet_groups(request, outcome):
    groups = []
    for name, title in FACET_TITLES.items():
        values = outcome.facets.get(name, [])
        limit = FACET_SHOWN.get(name)
        shown = values
        if limit is not None and len(values) > limit:
            shown = values[:limit] + [v for v in values[limit:] if v.selected]
        url = _facet_urls(request, name)
        for value in shown:
            value.url = url(None if value.selected else value.value)
        if shown:
            groups.append(
                {"name": name, "title": title, "values": shown, "more": len(values) - len(shown)}
            )
    return groups


def _active_filters(request, outcome):
    """The selected facet values, each with the address that removes it."""
    return [
        {"title": FACET_TITLES[name], "label": value.label, "url": _url_with(request, name, None)}
        for name in FACET_TITLES
        for value in outcome.facets.get(name, [])
        if value.selected
    ]


@require_safe
def suggest(request):
    """Suggestions as you type: {"query", "suggestions": [{"title", "url", "type"}]}."""
    text, _truncated = clean_text(request.GET.get("q", ""))
    suggestions = HubSearch(request=request).suggest(text)
    response = JsonResponse({"query": text, "suggestions": suggestions})
    response["Cache-Control"] = "max-age=60"
    return response
