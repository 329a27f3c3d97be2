"""What the search page filters and sorts by, read from the database for a list of hits.

Engines rank; the facets (type, region, cooperation, year) and the dates come from the
database, so they are the same on every tier and follow the content at once: a library that
leaves a cooperation drops out of that cooperation's facet with the next search, whatever
the engine's index says. The cost is a handful of queries per search, one per kind of
material among the hits, never one per hit.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page

from partnerships.models import (
    ChroniclePage,
    CooperationPage,
    EventPage,
    LibraryPage,
    MembershipChange,
    ProgramPage,
    PublicationPage,
    Region,
    SettlementPage,
    WorkPlanItem,
    WorkPlanPage,
)

DOCUMENT = "document"
JOINT_TYPES = ("eventpage", "programpage", "publicationpage", "workplanpage", "chroniclepage")


@dataclass
class Hit:
    """One search result: a page or a document, with what the facets need to know."""

    kind: str  # "page" or "document"
    pk: int
    type: str = ""
    regions: set = field(default_factory=set)
    cooperations: set = field(default_factory=set)
    year: int | None = None
    date: dt.date | None = None
    object: object = None
    url: str = ""
    title_html: str = ""
    snippet_html: str = ""
    description: str = ""
    type_label: str = ""

    @property
    def key(self):
        return (self.kind, self.pk)

    def matches(self, filters, skip=None):
        for name, value in filters.items():
            if name == skip:
                continue
            if name == "type" and self.type != value:
                return False
            if name == "region" and value not in self.regions:
                return False
            if name == "cooperation" and value not in self.cooperations:
                return False
            if name == "year" and self.year != value:
                return False
        return True


def type_labels():
    """{type key: plural label}: every page type of the hub and documents."""
    labels = {
        model._meta.model_name: model._meta.verbose_name_plural
        for model in (
            CooperationPage,
            SettlementPage,
            LibraryPage,
            EventPage,
            ProgramPage,
            PublicationPage,
            WorkPlanPage,
            ChroniclePage,
        )
    }
    labels[DOCUMENT] = _("документы")
    return labels


def other_type_label():
    return _("другие страницы")


def _as_date(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def public_collection_ids():
    """Collections without a view restriction on them or above them."""
    restricted = CollectionViewRestriction.objects.values_list("collection__path", flat=True)
    collections = Collection.objects.all()
    for path in restricted:
        collections = collections.exclude(path__startswith=path)
    return collections.values("pk")


def describe(hits, locale):
    """Fill type, regions, cooperations, year and date of each hit in place."""
    pages = {hit.pk: hit for hit in hits if hit.kind == "page"}
    documents = {hit.pk: hit for hit in hits if hit.kind == DOCUMENT}
    if pages:
        _describe_pages(pages, locale)
    if documents:
        _describe_documents(documents, locale)


def _describe_pages(pages, locale):
    by_model = defaultdict(list)
    labels = type_labels()
    rows = Page.objects.filter(pk__in=pages).values_list(
        "pk", "content_type_id", "first_published_at"
    )
    for pk, content_type_id, published in rows:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        name = model._meta.model_name if model else ""
        hit = pages[pk]
        hit.type = name if name in labels else ""
        hit.date = _as_date(published)
        by_model[name].append(pk)

    def regions_of(model, ids, lookup):
        for pk, region in model.objects.filter(pk__in=ids).values_list("pk", lookup):
            if region:
                pages[pk].regions.add(region)

    def dated(model, ids, date_field, year_of=None):
        for pk, value in model.objects.filter(pk__in=ids).values_list("pk", date_field):
            if value is not None:
                pages[pk].year = year_of(value) if year_of else value.year
                pages[pk].date = dt.date(value, 1, 1) if year_of else _as_date(value)

    # A cooperation's own pages belong to the cooperation page above them. The tree is read
    # rather than the pages' cooperation field, which a move does not update.
    joint = [pk for name in JOINT_TYPES for pk in by_model.get(name, [])]
    if joint:
        steplen = Page.steplen
        parents = {
            pk: path[:-steplen]
            for pk, path in Page.objects.filter(pk__in=joint).values_list("pk", "path")
        }
        cooperation_by_path = dict(
            CooperationPage.objects.filter(path__in=set(parents.values())).values_list("path", "pk")
        )
        for pk, parent_path in parents.items():
            if parent_path in cooperation_by_path:
                pages[pk].cooperations.add(cooperation_by_path[parent_path])

    if ids := by_model.get("settlementpage"):
        keys = defaultdict(list)
        for pk, region, key in SettlementPage.objects.filter(pk__in=ids).values_list(
            "pk", "region__code", "name_key"
        ):
            pages[pk].regions.add(region)
            keys[key].append(pk)
        for key, cooperation in (
            CooperationPage.objects.live()
            .filter(locale=locale, name_key__in=keys)
            .values_list("name_key", "pk")
        ):
            for pk in keys[key]:
                pages[pk].cooperations.add(cooperation)

    if ids := by_model.get("librarypage"):
        regions_of(LibraryPage, ids, "settlement__region__code")
        for library, cooperation in (
            MembershipChange.objects.current()
            .filter(library_id__in=ids, cooperation__live=True)
            .values_list("library_id", "cooperation_id")
        ):
            pages[library].cooperations.add(cooperation)

    if ids := by_model.get("cooperationpage"):
        for pk, signed_on in CooperationPage.objects.filter(pk__in=ids).values_list(
            "pk", "agreement_signed_on"
        ):
            pages[pk].cooperations.add(pk)
            if signed_on:
                pages[pk].year = signed_on.year
                pages[pk].date = signed_on
        for cooperation, region in (
            MembershipChange.objects.current()
            .filter(cooperation_id__in=ids)
            .values_list("cooperation_id", "library__settlement__region__code")
        ):
            if region:
                pages[cooperation].regions.add(region)

    if ids := by_model.get("eventpage"):
        dated(EventPage, ids, "starts_at")
        regions_of(EventPage, ids, "venue_library__settlement__region__code")
    if ids := by_model.get("programpage"):
        dated(ProgramPage, ids, "starts_on")
    if ids := by_model.get("publicationpage"):
        dated(PublicationPage, ids, "year", year_of=int)
    if ids := by_model.get("chroniclepage"):
        dated(ChroniclePage, ids, "date")
    for model in (EventPage, ProgramPage, PublicationPage, ChroniclePage):
        if ids := by_model.get(model._meta.model_name):
            regions_of(model, ids, "partner_libraries__settlement__region__code")
    if ids := by_model.get("workplanpage"):
        dated(WorkPlanPage, ids, "year", year_of=int)
        for plan, region in WorkPlanItem.objects.filter(plan_id__in=ids).values_list(
            "plan_id", "responsible_library__settlement__region__code"
        ):
            if region:
                pages[plan].regions.add(region)


def _describe_documents(documents, locale):
    for pk, created_at in (
        get_document_model().objects.filter(pk__in=documents).values_list("pk", "created_at")
    ):
        hit = documents[pk]
        hit.type = DOCUMENT
        hit.date = _as_date(created_at)
        hit.year = hit.date.year if hit.date else None
    for document, cooperation in (
        PublicationPage.objects.live()
        .filter(locale=locale, document_id__in=documents)
        .values_list("document_id", "cooperation_id")
    ):
        if cooperation:
            documents[document].cooperations.add(cooperation)
    for document, cooperation in (
        CooperationPage.objects.live()
        .filter(locale=locale, agreement_document_id__in=documents)
        .values_list("agreement_document_id", "pk")
    ):
        documents[document].cooperations.add(cooperation)


def document_descriptions(documents, locale):
    """{document pk: what the page that publishes it says about it}."""
    found = {}
    for document, intro in (
        PublicationPage.objects.live()
        .filter(locale=locale, document_id__in=documents)
        .values_list("document_id", "intro")
    ):
        found.setdefault(document, intro)
    for document, title in (
        CooperationPage.objects.live()
        .filter(locale=locale, agreement_document_id__in=documents)
        .values_list("agreement_document_id", "title")
    ):
        found.setdefault(document, _("Текст Соглашения: %(title)s") % {"title": title})
    return found


@dataclass
class FacetValue:
    value: object
    label: str
    count: int
    selected: bool = False


def count_facets(hits, filters, locale):
    """Counts per facet value over the hits that pass every other selected filter."""
    counters = {name: defaultdict(int) for name in ("type", "region", "cooperation", "year")}
    for hit in hits:
        if hit.matches(filters, skip="type"):
            counters["type"][hit.type] += 1
        if hit.matches(filters, skip="region"):
            for region in hit.regions:
                counters["region"][region] += 1
        if hit.matches(filters, skip="cooperation"):
            for cooperation in hit.cooperations:
                counters["cooperation"][cooperation] += 1
        if hit.matches(filters, skip="year") and hit.year:
            counters["year"][hit.year] += 1
    # A selected value stays on the list even when nothing matches it now.
    for name, value in filters.items():
        counters[name].setdefault(value, 0)

    labels = {
        "type": dict(type_labels()) | {"": other_type_label()},
        "region": dict(
            Region.objects.filter(code__in=list(counters["region"])).values_list("code", "name")
        ),
        "cooperation": dict(
            CooperationPage.objects.filter(pk__in=list(counters["cooperation"])).values_list(
                "pk", "settlement_name"
            )
        ),
        "year": {year: str(year) for year in counters["year"]},
    }
    facets = {}
    for name, counter in counters.items():
        values = [
            FacetValue(
                value, str(labels[name].get(value, value)), count, filters.get(name) == value
            )
            for value, count in counter.items()
            if value in labels[name]
        ]
        if name == "year":
            values.sort(key=lambda item: -item.value)
        else:
            values.sort(key=lambda item: (-item.count, item.label))
        facets[name] = values
    return facets


def kind_event_pks(kinds, locale):
    """Live events of the given kinds, newest first: for a query that is only a kind's name."""
    return list(
        EventPage.objects.live()
        .public()
        .filter(locale=locale, kind__in=kinds)
        .order_by("-starts_at")
        .values_list("pk", flat=True)
    )
