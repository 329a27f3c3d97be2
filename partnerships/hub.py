"""Hub-wide figures and the newest activity, for any host page that shows them."""

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from .models import (
    ChroniclePage,
    CooperationPage,
    EventPage,
    GazetteerSettlement,
    LibraryPage,
    PublicationPage,
    Region,
)

FIGURES_CACHE_SECONDS = 300
_GENERATION_KEY = "partnerships:hub-figures-generation"


def hub_figures(locale_id):
    """The live figures, counted once per content change (or five minutes) rather than per view.

    Counting every library and region of a large hub is the costliest part of the front page.
    """
    generation = cache.get_or_set(_GENERATION_KEY, 0, None)
    key = f"partnerships:hub-figures:{locale_id}:{generation}"
    figures = cache.get(key)
    if figures is None:
        figures = count_hub_figures(locale_id)
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures


def forget_hub_figures(**kwargs):
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1, None)


def count_hub_figures(locale_id):
    libraries = LibraryPage.objects.live().filter(locale_id=locale_id)
    figures = {
        "cooperations": CooperationPage.objects.live().filter(locale_id=locale_id).count(),
        "libraries": libraries.count(),
        "regions": Region.objects.filter(settlements__libraries__in=libraries.values("pk"))
        .distinct()
        .count(),
        "upcoming_events": EventPage.objects.live()
        .filter(locale_id=locale_id, starts_at__gte=timezone.now())
        .count(),
    }
    figures.update(count_namesake_figures(locale_id))
    return figures


def count_namesake_figures(locale_id):
    """How many settlements of the gazetteer share a name with a live cooperation, and in how
    many regions: the partners still to be found. One query."""
    names = CooperationPage.objects.live().filter(locale_id=locale_id).values("name_key")
    return GazetteerSettlement.objects.filter(name_key__in=names).aggregate(
        namesake_settlements=Count("pk"),
        namesake_regions=Count("region", distinct=True),
    )


def latest_activity(locale_id, events=6, publications=4, chronicle=5):
    return {
        "upcoming_events": EventPage.objects.live()
        .filter(locale_id=locale_id)
        .upcoming()
        .select_related("cooperation", "venue_library", "image")[:events],
        "latest_publications": PublicationPage.objects.live()
        .filter(locale_id=locale_id)
        .select_related("cooperation", "cover")
        # The newest added first: an ordering the primary key answers without a sort.
        .order_by("-pk")[:publications],
        "latest_chronicle": ChroniclePage.objects.live()
        .filter(locale_id=locale_id)
        .select_related("cooperation", "image")
        .order_by("-date", "-pk")[:chronicle],
    }
