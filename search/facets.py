"""What the search page filters and sorts by, read from the database for a list of hits.

Engines rank; the facets (type, region, cooperation, year) and the dates come from the
database, so they are the same on every tier and follow the content at once: a library that
leaves a cooperation drops out of that cooperation's facet with the next search, whatever
the engine's index says. A page's facts are derived once (a query of two dozen joins and a
UNION over the types' tables) and kept, with the names the facets show, in PageFacts (a
document's in DocumentFacts) until something they depend on changes (search.signal_handlers); a
search reads them by primary key. The cost is a fixed handful of queries per search (the pages'
kept facts, the documents and theirs; and for facts that were dropped, the two that derive them
and the write that keeps them), never one per hit or per type.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Locale, Page

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
from search.models import DocumentFacts, PageFacts

logger = logging.getLogger(__name__)

DOCUMENT = "document"


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
    model: object = None
    event_kind: str = ""

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


# The page types a reader can narrow the search to, in the order of the type facet.
PAGE_TYPES = (
    CooperationPage,
    SettlementPage,
    LibraryPage,
    EventPage,
    ProgramPage,
    PublicationPage,
    WorkPlanPage,
    ChroniclePage,
)


def page_type(key):
    """The page model of a type key («librarypage»), or None (documents, other pages)."""
    return next((model for model in PAGE_TYPES if model._meta.model_name == key), None)


def type_labels():
    """{type key: plural label}: every page type of the hub and documents."""
    labels = {model._meta.model_name: model._meta.verbose_name_plural for model in PAGE_TYPES}
    labels[DOCUMENT] = _("документы")
    return labels


def other_type_label():
    return _("другие страницы")


def _as_date(value, zone=None):
    """The local date of a date or datetime; `zone`, read once by a caller with many values,
    saves a lookup of the current time zone per value."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.date()
        return value.astimezone(zone or timezone.get_current_timezone()).date()
    return value


def public_documents():
    """Documents in no collection with a view restriction on it or above it. The restrictions
    are read first (one small query; usually there are none, and then nothing is filtered),
    and the open collections then listed: a list of ids is cheaper to build and to plan than
    a subquery that tests every collection, and the engines take no subquery."""
    documents = get_document_model().objects.all()
    closed = Q()
    for path in CollectionViewRestriction.objects.values_list("collection__path", flat=True):
        closed |= Q(path__startswith=path)
    if not closed:
        return documents
    open_ids = Collection.objects.exclude(closed).values_list("pk", flat=True)
    return documents.filter(collection_id__in=list(open_ids))


def _page_model_paths():
    """{page model: the select_related path from Page to its own row}, for every concrete
    page model: one query with these joins gives specific pages of any types."""
    paths = {}

    def path_to(model):
        if model is Page:
            return ""
        if model not in paths:
            parent, link = next(iter(model._meta.parents.items()))
            above = path_to(parent)
            accessor = link.remote_field.get_accessor_name()
            paths[model] = f"{above}__{accessor}" if above else accessor
        return paths[model]

    for model in apps.get_models():
        if issubclass(model, Page) and model is not Page and model._meta.parents:
            path_to(model)
    return paths


def specific_pages(pks, models=None):
    """{pk: specific page} in one query, however many page types there are among them.

    Wagtail's .specific() costs a query per type; here each page type's row is joined to
    the page row (select_related along the parent links) and picked by the content type.
    `models`, when the caller knows them, keeps the joins to the types among the pages; a page
    of another type comes back as a plain Page.
    """
    if not pks:
        return {}
    paths = _page_model_paths()
    wanted = paths if models is None else {m: paths[m] for m in models if m in paths}
    joins = sorted(wanted.values())
    found = {}
    for page in Page.objects.filter(pk__in=pks).order_by().select_related(*joins):
        model = page.specific_class
        specific = page
        if model in wanted:
            for accessor in wanted[model].split("__"):
                specific = getattr(specific, accessor, None)
                if specific is None:
                    break
        found[page.pk] = specific if specific is not None else page
    return found


def describe(hits, locale):
    """Fill type, regions, cooperations, year and date of each hit in place, and return the
    labels of the regions and cooperations found: {"region": {code: name},
    "cooperation": {pk: name}}. A bounded number of queries: one for the pages' own facts,
    one for what they have many of, two for documents."""
    labels = {"region": {}, "cooperation": {}}
    pages = {hit.pk: hit for hit in hits if hit.kind == "page"}
    documents = {hit.pk: hit for hit in hits if hit.kind == DOCUMENT}
    if pages:
        _describe_pages(pages, locale, labels)
    if documents:
        _describe_documents(documents, locale, labels)
    return labels


JOINT_MODELS = (EventPage, ProgramPage, PublicationPage, WorkPlanPage, ChroniclePage)
# The date (or year) that dates each type: type key → field of its row, read through Page.
DATE_FIELDS = {
    "eventpage": "eventpage__starts_at",
    "programpage": "programpage__starts_on",
    "publicationpage": "publicationpage__year",
    "chroniclepage": "chroniclepage__date",
    "workplanpage": "workplanpage__year",
    "cooperationpage": "cooperationpage__agreement_signed_on",
}
YEAR_ONLY = {"publicationpage", "workplanpage"}
# Where a type's single region is: its own settlement, the library's, the event's venue.
REGION_PATHS = {
    "settlementpage": "settlementpage__region",
    "librarypage": "librarypage__settlement__region",
    "eventpage": "eventpage__venue_library__settlement__region",
}


def _add_region(hit, code, name, labels):
    if code:
        hit.regions.add(code)
        labels["region"][code] = name


def _add_cooperation(hit, pk, name, labels):
    if pk:
        hit.cooperations.add(pk)
        labels["cooperation"][pk] = name


def _describe_pages(pages, locale, labels):
    """The kept facts of the pages (with their labels) in one query; the facts of pages
    without kept ones are derived (and kept)."""
    for pk, content_type_id, type_key, date, year, event_kind, regions, cooperations in _read_kept(
        pages
    ):
        hit = pages[pk]
        hit.model = ContentType.objects.get_for_id(content_type_id).model_class()
        hit.type, hit.year, hit.event_kind = type_key, year, event_kind
        hit.date = dt.date.fromisoformat(date) if isinstance(date, str) else date
        for code, name in _unpack(regions):
            _add_region(hit, code, name, labels)
        for key, name in _unpack(cooperations):
            _add_cooperation(hit, int(key), name, labels)
    missing = {pk: hit for pk, hit in pages.items() if hit.model is None}
    if missing:
        _derive_page_facts(missing, locale, labels, timezone.get_current_timezone())
        keep_facts(missing.values(), labels)


FACT_COLUMNS = (
    "page_id",
    "content_type_id",
    "type",
    "date",
    "year",
    "event_kind",
    "regions",
    "cooperations",
)


def _read_kept(pks):
    """The kept facts' rows: plain SQL, as the ORM's per-value work on 200 keys cost more than
    the query; on PostgreSQL the keys go as one array."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(PageFacts._meta.get_field(name).column) for name in FACT_COLUMNS)
    key = quote(PageFacts._meta.get_field("page").column)
    pks = list(pks)
    if connection.vendor == "postgresql":
        where, params = f"{key} = ANY(%s)", [pks]
    else:
        where, params = f"{key} IN ({', '.join(['%s'] * len(pks))})", pks
    table = quote(PageFacts._meta.db_table)
    with connection.cursor() as cursor:
        # Names from the model's own metadata; the keys are parameters.
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {where}", params)  # noqa: S608
        return cursor.fetchall()


def _pack(pairs):
    """Keys and their names, one pair a line: cheaper to read than JSON, 200 rows at a time."""
    return "\n".join(f"{key}\t{name}" for key, name in sorted(pairs))


def _unpack(text):
    return (line.split("\t", 1) for line in text.split("\n")) if text else ()


def _facts_row(hit, labels):
    return PageFacts(
        page_id=hit.pk,
        content_type_id=ContentType.objects.get_for_model(hit.model, for_concrete_model=False).pk,
        type=hit.type,
        date=hit.date,
        year=hit.year,
        event_kind=hit.event_kind or "",
        regions=_pack((code, labels["region"][code]) for code in hit.regions),
        cooperations=_pack((pk, labels["cooperation"][pk]) for pk in hit.cooperations),
    )


def keep_facts(hits, labels):
    """Keep the derived facts of the hits, with the names (labels) describe() found."""
    _keep(_facts_row(hit, labels) for hit in hits if hit.model is not None)


def _keep(rows):
    """Write kept facts. A row kept meanwhile (by another search) stays; a page or document
    deleted meanwhile, or a database busy with a writer, leaves its facts unkept: the search
    has them, and the next one derives them again."""
    rows = list(rows)
    if not rows:
        return
    try:
        with transaction.atomic():
            type(rows[0]).objects.bulk_create(rows, ignore_conflicts=True)
    except DatabaseError as error:
        logger.info("Search facts not kept: %s", error)


def rebuild_facts(batch_size=500):
    """Derive and keep the facts of every live page, and of every document in each locale
    (update_index runs it): the number of pages kept."""
    PageFacts.objects.all().delete()
    DocumentFacts.objects.all().delete()
    kept = 0
    zone = timezone.get_default_timezone()
    document_pks = list(get_document_model().objects.order_by("pk").values_list("pk", flat=True))
    for locale in Locale.objects.all():
        with translation.override(locale.language_code):
            for start in range(0, len(document_pks), batch_size):
                documents = {
                    pk: Hit(DOCUMENT, pk) for pk in document_pks[start : start + batch_size]
                }
                _describe_documents(documents, locale, {"region": {}, "cooperation": {}})
        pks = list(
            Page.objects.live()
            .filter(locale=locale, depth__gt=1)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(pks), batch_size):
            pages = {pk: Hit("page", pk) for pk in pks[start : start + batch_size]}
            labels = {"region": {}, "cooperation": {}}
            _derive_page_facts(pages, locale, labels, zone)
            keep_facts(pages.values(), labels)
            kept += len(pages)
    if connection.vendor == "postgresql":
        # The planner's statistics at once, not at autovacuum's next round.
        with connection.cursor() as cursor:
            for model in (PageFacts, DocumentFacts):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return kept


def _derive_page_facts(pages, locale, labels, zone):
    """Every single-valued fact in one query (the page types' rows joined to the page rows),
    then every many-valued one (partner libraries' regions, plan items' regions, members'
    regions, libraries' cooperations) in one UNION ALL query."""
    type_keys = type_labels()
    settlement_cooperation = (
        CooperationPage.objects.live()
        .filter(locale=locale, name_key=OuterRef("settlementpage__name_key"))
        .order_by("pk")
    )
    joint = [model._meta.model_name for model in JOINT_MODELS]
    fields = ["pk", "content_type_id", "first_published_at", "eventpage__kind"]
    fields += DATE_FIELDS.values()
    for path in REGION_PATHS.values():
        fields += [f"{path}__code", f"{path}__name"]
    fields += [f"{name}__cooperation_id" for name in joint]
    fields += [f"{name}__cooperation__settlement_name" for name in joint]
    rows = (
        Page.objects.filter(pk__in=pages)
        .order_by()
        .annotate(
            settlement_cooperation=Subquery(settlement_cooperation.values("pk")[:1]),
            settlement_cooperation_name=Subquery(
                settlement_cooperation.values("settlement_name")[:1]
            ),
            own_cooperation_name=F("cooperationpage__settlement_name"),
        )
        .values(
            *fields, "settlement_cooperation", "settlement_cooperation_name", "own_cooperation_name"
        )
    )
    by_type = defaultdict(list)
    for row in rows:
        hit = pages[row["pk"]]
        model = ContentType.objects.get_for_id(row["content_type_id"]).model_class()
        name = model._meta.model_name if model else ""
        hit.type = name if name in type_keys else ""
        hit.model = model
        hit.date = _as_date(row["first_published_at"], zone)
        by_type[hit.type].append(hit.pk)
        if name == "eventpage":
            hit.event_kind = row["eventpage__kind"]
        value = row.get(DATE_FIELDS.get(name))
        if value is not None:
            if name in YEAR_ONLY:
                hit.year, hit.date = int(value), dt.date(int(value), 1, 1)
            else:
                hit.date = _as_date(value, zone)
                hit.year = hit.date.year
        if path := REGION_PATHS.get(name):
            _add_region(hit, row[f"{path}__code"], row[f"{path}__name"], labels)
        if name in joint:
            _add_cooperation(
                hit,
                row[f"{name}__cooperation_id"],
                row[f"{name}__cooperation__settlement_name"],
                labels,
            )
        elif name == "settlementpage":
            _add_cooperation(
                hit, row["settlement_cooperation"], row["settlement_cooperation_name"], labels
            )
        elif name == "cooperationpage":
            _add_cooperation(hit, hit.pk, row["own_cooperation_name"], labels)

    parts = []
    region = "library__settlement__region"

    def part(queryset, what, pk, key, label):
        return (
            queryset.order_by()
            .annotate(
                _what=Value(what, output_field=CharField()),
                _pk=F(pk),
                _key=Cast(key, output_field=CharField()),
                _label=F(label),
            )
            .values_list("_what", "_pk", "_key", "_label")
        )

    for model in (EventPage, ProgramPage, PublicationPage, ChroniclePage):
        if ids := by_type.get(model._meta.model_name):
            parts.append(
                part(
                    model.objects.filter(pk__in=ids, partner_libraries__isnull=False),
                    "region",
                    "pk",
                    "partner_libraries__settlement__region__code",
                    "partner_libraries__settlement__region__name",
                )
            )
    if ids := by_type.get("workplanpage"):
        parts.append(
            part(
                WorkPlanItem.objects.filter(plan_id__in=ids, responsible_library__isnull=False),
                "region",
                "plan_id",
                "responsible_library__settlement__region__code",
                "responsible_library__settlement__region__name",
            )
        )
    if ids := by_type.get("cooperationpage"):
        parts.append(
            part(
                MembershipChange.objects.current().filter(cooperation_id__in=ids),
                "region",
                "cooperation_id",
                f"{region}__code",
                f"{region}__name",
            )
        )
    if ids := by_type.get("librarypage"):
        parts.append(
            part(
                MembershipChange.objects.current().filter(
                    library_id__in=ids, cooperation__live=True
                ),
                "cooperation",
                "library_id",
                "cooperation_id",
                "cooperation__settlement_name",
            )
        )
    if not parts:
        return
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for what, pk, key, label in rows:
        if pk not in pages or key is None:
            continue
        if what == "region":
            _add_region(pages[pk], key, label, labels)
        else:
            _add_cooperation(pages[pk], int(key), label, labels)


def _describe_documents(documents, locale, labels):
    """The documents themselves (the page shows them), and their kept facts; the facts of
    documents without kept ones are derived (and kept)."""
    for document in get_document_model().objects.filter(pk__in=documents):
        hit = documents[document.pk]
        hit.type = DOCUMENT
        hit.object = document
        hit.date = _as_date(document.created_at)
        hit.year = hit.date.year if hit.date else None
    kept = DocumentFacts.objects.filter(locale=locale, document_id__in=documents).values_list(
        "document_id", "cooperations", "description"
    )
    missing = dict(documents)
    for pk, cooperations, description in kept:
        hit = missing.pop(pk)
        hit.description = description
        for key, name in _unpack(cooperations):
            _add_cooperation(hit, int(key), name, labels)
    if missing:
        _derive_document_facts(missing, locale, labels)
        _keep(
            DocumentFacts(
                document_id=pk,
                locale=locale,
                cooperations=_pack((key, labels["cooperation"][key]) for key in hit.cooperations),
                description=hit.description,
            )
            for pk, hit in missing.items()
            if hit.object is not None
        )


def _derive_document_facts(documents, locale, labels):
    """The pages that publish the documents: the cooperation's agreement or a publication
    (their cooperation, and what they say of it)."""
    publications = (
        PublicationPage.objects.live()
        .filter(locale=locale, document_id__in=documents)
        .order_by()
        .annotate(
            _what=Value("publication", output_field=CharField()),
            _document=F("document_id"),
            _cooperation=F("cooperation_id"),
            _name=F("cooperation__settlement_name"),
            _text=F("intro"),
        )
        .values_list("_what", "_document", "_cooperation", "_name", "_text")
    )
    agreements = (
        CooperationPage.objects.live()
        .filter(locale=locale, agreement_document_id__in=documents)
        .order_by()
        .annotate(
            _what=Value("agreement", output_field=CharField()),
            _document=F("agreement_document_id"),
            _cooperation=F("pk"),
            _name=F("settlement_name"),
            _text=Cast("title", output_field=TextField()),
        )
        .values_list("_what", "_document", "_cooperation", "_name", "_text")
    )
    descriptions = {}
    for what, document, cooperation, name, text in sorted(
        publications.union(agreements, all=True), key=lambda row: row[0] != "publication"
    ):
        hit = documents[document]
        _add_cooperation(hit, cooperation, name, labels)
        if what == "publication":
            descriptions.setdefault(document, text or "")
        else:
            descriptions.setdefault(document, _("Текст Соглашения: %(title)s") % {"title": text})
    for pk, hit in documents.items():
        hit.description = str(descriptions.get(pk, ""))


@dataclass
class FacetValue:
    value: object
    label: str
    # None: not counted (a type beyond the best hits, see add_uncounted_types).
    count: int | None
    selected: bool = False


def count_facets(hits, filters, labels=None):
    """Counts per facet value over the hits that pass every other selected filter.

    `labels` are those describe() found; a selected value no hit has is looked up (one query).
    """
    labels = labels or {"region": {}, "cooperation": {}}
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

    regions = dict(labels["region"])
    if (region := filters.get("region")) and region not in regions:
        regions.update(Region.objects.filter(code=region).values_list("code", "name"))
    cooperations = dict(labels["cooperation"])
    if (cooperation := filters.get("cooperation")) and cooperation not in cooperations:
        cooperations.update(
            CooperationPage.objects.filter(pk=cooperation).values_list("pk", "settlement_name")
        )
    labels = {
        "type": dict(type_labels()) | {"": other_type_label()},
        "region": regions,
        "cooperation": cooperations,
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


def count_chosen(hits, labels, filters, chosen):
    """The selected facets of a search ranked within its filters (run()): each counted over
    `hits`, the best of the whole search, as count_facets counts them (the hits that pass the
    other filters), so that another value can be chosen instead; the selected value given
    `chosen`, the number of hits shown."""
    counted = count_facets(hits, filters, labels)
    found = {}
    for name in filters:
        values = counted[name]
        for value in values:
            if value.selected:
                value.count = chosen
        if name != "year":
            values.sort(key=lambda item: (-item.count, item.label))
        found[name] = values
    return found


# A search narrowed by region, cooperation or year ranks the pages whose kept facts say so;
# the facts dropped since are derived first, unless more than this many pages lack them (a
# renamed region drops every row): the search then narrows its best hits only.
MISSING_FACTS_LIMIT = 1000


def narrowed_pages(filters, locale):
    """The pages whose facts match the region, cooperation and year filters, as a queryset
    of the kept facts' page ids and a list of the ids of pages whose facts were derived
    now; None when too many live pages of the locale lack kept facts to tell."""
    condition = Q()
    for name, field_name in (("region", "regions"), ("cooperation", "cooperations")):
        if (key := filters.get(name)) is not None:
            # A line of the packed facts, "key<TAB>name" (_pack).
            condition &= Q(**{f"{field_name}__startswith": f"{key}\t"}) | Q(
                **{f"{field_name}__contains": f"\n{key}\t"}
            )
    if (year := filters.get("year")) is not None:
        condition &= Q(year=year)
    live = Page.objects.live().filter(locale=locale, depth__gt=1).order_by()
    limit = MISSING_FACTS_LIMIT
    missing = list(
        live.filter(~Exists(PageFacts.objects.filter(page=OuterRef("pk")))).values_list(
            "pk", flat=True
        )[: limit + 1]
    )
    if len(missing) > limit:
        return None
    derived = []
    if missing:
        pages = {pk: Hit("page", pk) for pk in missing}
        labels = {"region": {}, "cooperation": {}}
        _derive_page_facts(pages, locale, labels, timezone.get_current_timezone())
        keep_facts(pages.values(), labels)
        # Whether or not they could be kept (a busy database), they count now.
        derived = [pk for pk, hit in pages.items() if hit.model and hit.matches(filters, "type")]
    return PageFacts.objects.filter(condition).values_list("page_id", flat=True), derived


def add_uncounted_types(values):
    """The types the best hits have none of, added to the type facet without a count: a
    search with more hits than it counts may find them when the type is chosen (run()
    then ranks that type on its own)."""
    shown = {value.value for value in values}
    values += [
        FacetValue(key, str(label), None)
        for key, label in type_labels().items()
        if key not in shown
    ]


def kind_event_pks(kinds, pages, limit=None):
    """Events of the given kinds among the pages (the search's live, public pages in its
    locale, or its events when it searches events only), newest first: for a query that is
    only a kind's name."""
    event = "" if issubclass(pages.model, EventPage) else "eventpage__"
    return list(
        pages.filter(**{f"{event}kind__in": kinds})
        .order_by(f"-{event}starts_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
