"""Hub-wide figures and the newest activity, for any host page that shows them."""

from django.utils import timezone

from .models import (
    ChroniclePage,
    CooperationPage,
    EventPage,
    LibraryPage,
    PublicationPage,
    Region,
)


def hub_figures(locale_id):
    libraries = LibraryPage.objects.live().filter(locale_id=locale_id)
    return {
        "cooperations": CooperationPage.objects.live().filter(locale_id=locale_id).count(),
        "libraries": libraries.count(),
        "regions": Region.objects.filter(settlements__libraries__in=libraries.values("pk"))
        .distinct()
        .count(),
        "upcoming_events": EventPage.objects.live()
        .filter(locale_id=locale_id, starts_at__gte=timezone.now())
        .count(),
    }


def latest_activity(locale_id, events=6, publications=4, chronicle=5):
    return {
        "upcoming_events": EventPage.objects.live()
        .filter(locale_id=locale_id)
        .upcoming()
        .select_related("cooperation", "venue_library", "image")[:events],
        "latest_publications": PublicationPage.objects.live()
        .filter(locale_id=locale_id)
        .select_related("cooperation", "cover")
        .order_by("-first_published_at")[:publications],
        "latest_chronicle": ChroniclePage.objects.live()
        .filter(locale_id=locale_id)
        .select_related("cooperation", "image")
        .order_by("-date", "-pk")[:chronicle],
    }
