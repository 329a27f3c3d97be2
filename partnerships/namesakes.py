"""Namesake clusters: every settlement that bears a name, by region, with what the hub knows of it.

A cluster answers «who are my namesakes?»: the gazetteer's settlements of one name grouped by
region, each with its page in the hub (if any), its partner libraries and the cooperations those
libraries are in. It is built with a fixed number of queries, however large the cluster.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F
from wagtail.models import Locale

from .models import (
    CooperationPage,
    GazetteerSettlement,
    LibraryPage,
    MembershipChange,
    SettlementPage,
)
from .names import normalise_name


@dataclass
class Namesake:
    """One settlement of the cluster and, if it is in the hub, its page and libraries."""

    settlement: GazetteerSettlement
    page: SettlementPage | None = None
    libraries: list = field(default_factory=list)
    cooperations: list = field(default_factory=list)

    @property
    def in_hub(self):
        return self.page is not None


@dataclass
class RegionGroup:
    region: object  # Region, or None for the settlements whose region the source did not give
    namesakes: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.namesakes)

    @property
    def in_hub_count(self):
        return sum(1 for namesake in self.namesakes if namesake.in_hub)


@dataclass
class NamesakeCluster:
    name: str
    name_key: str
    groups: list = field(default_factory=list)
    cooperation: CooperationPage | None = None
    # Settlement pages of the hub with this name that no gazetteer entry could be matched to.
    unmatched_pages: list = field(default_factory=list)

    @property
    def settlements_count(self):
        return sum(group.count for group in self.groups)

    @property
    def regions_count(self):
        return sum(1 for group in self.groups if group.region is not None)

    @property
    def without_region_count(self):
        return sum(group.count for group in self.groups if group.region is None)

    @property
    def in_hub_count(self):
        return sum(group.in_hub_count for group in self.groups)


def _match_pages(entries, pages):
    """Pair hub pages with gazetteer entries: by link, then OKTMO, then a unique region/district.

    Return ({entry pk: page}, [pages left unmatched]).
    """
    by_pk = {entry.pk: entry for entry in entries}
    by_oktmo = {entry.oktmo: entry for entry in entries if entry.oktmo}
    by_place = defaultdict(list)
    by_region = defaultdict(list)
    for entry in entries:
        by_place[(entry.region_id, entry.district_id)].append(entry)
        by_region[entry.region_id].append(entry)

    matched = {}
    unmatched = []
    for page in pages:
        entry = by_pk.get(getattr(page, "gazetteer_id", None)) or by_oktmo.get(page.oktmo)
        if entry is None:
            candidates = by_place.get((page.region_id, page.district_id), [])
            if not page.district_id or len(candidates) != 1:
                candidates = by_region.get(page.region_id, [])
            if len(candidates) == 1:
                entry = candidates[0]
        if entry is None or entry.pk in matched:
            unmatched.append(page)
        else:
            matched[entry.pk] = page
    return matched, unmatched


def namesake_cluster(name, locale=None):
    """All settlements named `name` (however written), grouped by region, with the hub's pages."""
    key = normalise_name(name)
    locale = locale or Locale.get_active()
    cluster = NamesakeCluster(name=name, name_key=key)
    if not key:
        return cluster

    entries = list(
        GazetteerSettlement.objects.filter(name_key=key)
        .select_related("region", "district")
        .order_by(F("region__name").asc(nulls_last=True), "district__name", "name", "pk")
    )
    pages = list(
        SettlementPage.objects.live()
        .filter(name_key=key, locale=locale)
        .select_related("region", "district")
        .order_by("region__name", "title")
    )
    libraries = defaultdict(list)
    for library in (
        LibraryPage.objects.live()
        .filter(settlement__in=pages)
        .defer_streamfields()
        .order_by("title")
    ):
        libraries[library.settlement_id].append(library)
    cooperations = defaultdict(list)
    for change in (
        MembershipChange.objects.current()
        .filter(library__in=[library for group in libraries.values() for library in group])
        .filter(cooperation__live=True)
        .select_related("cooperation")
        .order_by("cooperation__title")
    ):
        cooperations[change.library_id].append(change.cooperation)
    cluster.cooperation = (
        CooperationPage.objects.live()
        .filter(name_key=key, locale=locale)
        .defer_streamfields()
        .first()
    )

    matched, cluster.unmatched_pages = _match_pages(entries, pages)
    groups = {}
    for entry in entries:
        group = groups.get(entry.region_id)
        if group is None:
            group = groups[entry.region_id] = RegionGroup(region=entry.region)
        page = matched.get(entry.pk)
        namesake = Namesake(settlement=entry, page=page)
        if page is not None:
            namesake.libraries = libraries[page.pk]
            seen = {}
            for library in namesake.libraries:
                for cooperation in cooperations[library.pk]:
                    seen.setdefault(cooperation.pk, cooperation)
            namesake.cooperations = list(seen.values())
        group.namesakes.append(namesake)
    cluster.groups = list(groups.values())
    return cluster
