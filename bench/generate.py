"""A hub at scale, written straight into the database the way Wagtail would have saved it.

`add_child()` costs several queries a page; 30,000 pages that way take the better part of an hour.
Here every page is built in memory with its treebeard path, depth, numchild and url_path computed
from its parent, the `wagtailcore_page` rows go in with `bulk_create`, and the rows of each page
type's own table go in with `Model._base_manager._insert()` keyed on `page_ptr_id` (Django refuses
`bulk_create` for multi-table inheritance; `_insert` is the statement `bulk_create` itself uses).
Nothing here is SQLite-specific. `check_tree()` then verifies the result as `fixtree` would.
"""

import math
import random
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from partnerships import choices
from partnerships.factories import latin_slug
from partnerships.models import (
    ChroniclePage,
    CooperationIndexPage,
    CooperationPage,
    District,
    EventPage,
    LibraryPage,
    MembershipChange,
    ProgramPage,
    PublicationPage,
    Region,
    SettlementIndexPage,
    SettlementPage,
    WorkPlanItem,
    WorkPlanPage,
)
from partnerships.models.reference import home_region_code
from partnerships.names import normalise_name
from partnerships.setup import section

from . import vocabulary as words

# Bump when the generated content changes, so an older bench database is rebuilt.
GENERATOR_VERSION = 1

FULL_SCALE = {"cooperations": 300, "libraries": 3000, "pages": 30000}

# Shares of the joint content under the cooperations; work plans come one per year on top.
CONTENT_SHARES = [(EventPage, 42), (ChroniclePage, 30), (PublicationPage, 15), (ProgramPage, 13)]
CONTENT_MODELS = (ProgramPage, EventPage, PublicationPage, WorkPlanPage, ChroniclePage)


def targets(scale):
    cooperations = max(2, round(FULL_SCALE["cooperations"] * scale))
    libraries = max(3 * cooperations, round(FULL_SCALE["libraries"] * scale))
    pages = max(libraries * 3, round(FULL_SCALE["pages"] * scale))
    return {"cooperations": cooperations, "libraries": libraries, "pages": pages}


def spread(total, weights, minimum):
    """Integers summing to `total`, each at least `minimum`, proportional to `weights`."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total too small for the minimum")
    scale = rest / sum(weights)
    shares = [w * scale for w in weights]
    counts = [minimum + int(s) for s in shares]
    short = total - sum(counts)
    by_remainder = sorted(
        range(len(weights)), key=lambda i: shares[i] - int(shares[i]), reverse=True
    )
    for i in by_remainder[:short]:
        counts[i] += 1
    return counts


def weighted(rng, table):
    """Pick a key of a {key: weight} dict."""
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


class Builder:
    """Makes page instances with their tree fields and writes them in bulk."""

    def __init__(self, rng, now):
        self.rng = rng
        self.now = now
        self.locale_id = Locale.get_default().pk
        self.next_child = {}
        self.content_types = {}

    def content_type_id(self, model):
        from django.contrib.contenttypes.models import ContentType

        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model).pk
        return self.content_types[model]

    def first_free_position(self, parent):
        """Children of an existing page go after its last child."""
        last = (
            Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            .order_by("-path")
            .first()
        )
        return Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1

    def page(self, model, parent, title, slug, published_at, **fields):
        key = parent.path
        if key not in self.next_child:
            self.next_child[key] = self.first_free_position(parent) if parent.pk else 1
        position = self.next_child[key]
        self.next_child[key] += 1
        parent.numchild += 1
        published_at = min(published_at, self.now)
        return model(
            title=title,
            draft_title=title,
            slug=slug,
            path=Page._get_path(parent.path, parent.depth + 1, position),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=published_at,
            last_published_at=published_at,
            locale_id=self.locale_id,
            content_type_id=self.content_type_id(model),
            translation_key=uuid.uuid4(),
            **fields,
        )

    @staticmethod
    def insert(model, pages):
        """Write the base `wagtailcore_page` rows, then the page type's own rows."""
        if not pages:
            return
        parents = model._meta.get_parent_list()
        if parents != [Page]:
            raise TypeError(f"{model.__name__} must inherit from Page directly")
        base_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
        bases = [Page(**{f.attname: getattr(p, f.attname) for f in base_fields}) for p in pages]
        Page.objects.bulk_create(bases, batch_size=500)
        if any(b.pk is None for b in bases):
            ids = dict(
                Page.objects.filter(path__in=[b.path for b in bases]).values_list("path", "pk")
            )
            for b in bases:
                b.pk = ids[b.path]
        for page, base in zip(pages, bases, strict=True):
            page.id = page.page_ptr_id = base.pk
        fields = model._meta.local_concrete_fields
        size = max(1, connection.ops.bulk_batch_size(fields, pages))
        for start in range(0, len(pages), size):
            model._base_manager._insert(pages[start : start + size], fields=fields)


def paragraphs(rng, count):
    return [
        {
            "type": "paragraph",
            "value": "<p>" + " ".join(rng.sample(words.SENTENCES, rng.randint(2, 5))) + "</p>",
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        }
        for _ in range(count)
    ]


def make_media(rng, count_images=24, count_documents=6):
    """A small pool of real image and document files, shared by the generated pages."""
    Image = get_image_model()
    Document = get_document_model()
    images = []
    for n in range(count_images):
        colour = tuple(rng.randint(40, 220) for _ in range(3))
        picture = PILImage.new("RGB", (960, 640), colour)
        for band in range(0, 960, 120):
            shade = tuple(min(255, c + band // 8) for c in colour)
            picture.paste(shade, (band, 0, band + 60, 640))
        buffer = BytesIO()
        picture.save(buffer, "JPEG", quality=80)
        image = Image(
            title=f"Фото из библиотеки {n + 1}",
            file=ImageFile(BytesIO(buffer.getvalue()), name=f"bench-{n + 1}.jpg"),
            file_size=len(buffer.getvalue()),
        )
        image._set_file_hash()
        image.save()
        images.append(image)
    documents = []
    for n in range(count_documents):
        content = f"Сборник материалов содружества, выпуск {n + 1}.\n".encode() * 200
        document = Document(
            title=f"Сборник материалов, выпуск {n + 1}",
            file=ContentFile(content, name=f"bench-{n + 1}.txt"),
            file_size=len(content),
        )
        document._set_file_hash()
        document.save()
        documents.append(document)
    return images, documents


def ensure_districts(rng, regions):
    """Five districts in every region, for settlements to belong to."""
    wanted = []
    existing = set(District.objects.values_list("region_id", "name"))
    for region in regions:
        for stem in rng.sample(words.DISTRICT_STEMS, 5):
            name = f"{stem} район"
            if (region.pk, name) not in existing:
                wanted.append(District(region=region, name=name))
    District.objects.bulk_create(wanted)
    districts = defaultdict(list)
    for district in District.objects.all():
        districts[district.region_id].append(district)
    return districts


class Cooperation:
    """What the generator plans for one settlement name before anything is written."""

    def __init__(self, name):
        self.name = name
        self.settlements = []
        self.libraries = []
        self.history = []  # (library, kind, date, status)
        self.members = []
        self.page = None


def plan_membership(rng, coop, signed_on, today):
    """Joins and leaves over the years, so current members come from a real history."""
    founders = max(2, math.ceil(len(coop.libraries) * 0.4))
    span = max(1, (today - signed_on).days - 30)
    for n, library in enumerate(coop.libraries):
        approved = choices.MembershipChangeStatus.APPROVED
        join, leave = choices.MembershipChangeKind.JOIN, choices.MembershipChangeKind.LEAVE
        if n < founders:
            joined = signed_on
        else:
            roll = rng.random()
            if roll < 0.06:
                status = rng.choice(
                    [
                        choices.MembershipChangeStatus.PENDING,
                        choices.MembershipChangeStatus.REJECTED,
                    ]
                )
                coop.history.append(
                    (library, join, today - timedelta(days=rng.randint(1, 60)), status)
                )
                continue
            joined = signed_on + timedelta(days=rng.randint(1, span))
        coop.history.append((library, join, joined, approved))
        member = True
        if rng.random() < 0.15 and (today - joined).days > 60:
            left = joined + timedelta(days=rng.randint(30, (today - joined).days - 1))
            coop.history.append((library, leave, left, approved))
            member = False
            if rng.random() < 0.3 and (today - left).days > 20:
                back = left + timedelta(days=rng.randint(10, (today - left).days - 1))
                coop.history.append((library, join, back, approved))
                member = True
        if member:
            coop.members.append(library)
    if not coop.members:
        coop.members.append(coop.libraries[0])


def aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, clock(hour)))


def random_day(rng, start, end):
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def generate(scale=1.0, seed=2, log=print):
    """Write a hub of `targets(scale)` size under the default site; return counts written."""
    goal = targets(scale)
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    build = Builder(rng, now)

    names = words.settlement_names()
    if goal["cooperations"] > len(names):
        raise ValueError(f"at most {len(names)} cooperations: the vocabulary has that many names")
    names = names[: goal["cooperations"]]
    coop_index = section(CooperationIndexPage)
    settlement_index = section(SettlementIndexPage)
    regions = list(Region.objects.order_by("code"))
    home_region = next(r for r in regions if r.code == home_region_code())
    written = Counter()

    with transaction.atomic():
        districts = ensure_districts(rng, regions)
        images, documents = make_media(rng)

        def maybe_image(share):
            return rng.choice(images) if rng.random() < share else None

        # Settlements and libraries: namesakes in several regions, one to three libraries each.
        lib_weights = [rng.lognormvariate(0, 0.35) for _ in names]
        lib_counts = spread(goal["libraries"], lib_weights, minimum=3)
        coops = [Cooperation(name) for name in names]
        settlements, libraries = [], []
        library_kinds = {row[2]: row for row in words.LIBRARY_KINDS}
        kind_weights = {code: weight for code, _abbr, weight in words.SETTLEMENT_KINDS}
        abbrs = {code: abbr for code, abbr, _weight in words.SETTLEMENT_KINDS}
        for coop, count in zip(coops, lib_counts, strict=True):
            coop.intermunicipal = rng.random() < 0.2
            left = count
            while left:
                size = min(left, rng.choices([1, 2, 3], weights=[70, 22, 8])[0])
                left -= size
                if coop.intermunicipal or rng.random() < 0.25:
                    region = home_region
                else:
                    region = rng.choice(regions)
                district = rng.choice(districts[region.pk])
                kind = weighted(rng, kind_weights)
                abbr = abbrs[kind]
                title = f"{abbr} {coop.name} ({district.name}, {region.name})"
                settlement = build.page(
                    SettlementPage,
                    settlement_index,
                    title,
                    f"{latin_slug(coop.name)}-{region.code}-{len(settlements) + 1}",
                    aware(date(2021, 1, 1)) + timedelta(minutes=len(settlements)),
                    name=coop.name,
                    name_key=normalise_name(coop.name),
                    kind=kind,
                    region_id=region.pk,
                    district_id=district.pk,
                    oktmo=(region.code + str(rng.randint(100000000, 999999999)))[:11],
                    population=rng.choice([rng.randint(80, 900), rng.randint(900, 6000)]),
                    latitude=Decimal(rng.uniform(44, 60)).quantize(Decimal("0.000001")),
                    longitude=Decimal(rng.uniform(30, 60)).quantize(Decimal("0.000001")),
                    intro=f"{abbr} {coop.name}: {district.name}, {region.name}.",
                    image=maybe_image(0.3),
                )
                settlement.abbr = abbr
                settlement.region = region
                settlement.district = district
                settlements.append(settlement)
                coop.settlements.append(settlement)
                patterns = rng.choices(
                    list(library_kinds), weights=[row[3] for row in words.LIBRARY_KINDS], k=size
                )
                for n, pattern in enumerate(dict.fromkeys(patterns + list(library_kinds))):
                    if n == size:
                        break
                    affiliation, ownership, _pattern, _weight = library_kinds[pattern]
                    number = len(libraries) + 1
                    library_title = pattern.format(abbr=abbr, name=coop.name)
                    library = build.page(
                        LibraryPage,
                        settlement,
                        library_title,
                        f"library-{number}",
                        aware(date(2021, 2, 1)) + timedelta(minutes=number),
                        official_name=(
                            f"{library_title}, структурное подразделение МБУК "
                            f"«Централизованная библиотечная система», {district.name}"
                            if affiliation == "municipal"
                            else ""
                        ),
                        affiliation=affiliation,
                        ownership=ownership,
                        address=(
                            f"{region.name}, {district.name}, {abbr} {coop.name}, "
                            f"{rng.choice(words.STREETS)}, д. {rng.randint(1, 60)}"
                        ),
                        phone=f"+7 ({rng.randint(400, 499)}) {rng.randint(10, 99)}-"
                        f"{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                        email=f"library{number}@example.org",
                        website=f"https://example.org/library{number}/"
                        if rng.random() < 0.5
                        else "",
                        catalogue_url=(
                            f"https://example.org/library{number}/catalogue/"
                            if rng.random() < 0.4
                            else ""
                        ),
                        opening_hours="вт–сб 10:00–18:00, вс 10:00–16:00, пн — выходной",
                        intro=rng.choice(words.SENTENCES),
                        body=paragraphs(rng, rng.randint(1, 3)),
                        image=maybe_image(0.3),
                    )
                    library.settlement_ref = settlement
                    libraries.append(library)
                    coop.libraries.append(library)

        Builder.insert(SettlementPage, settlements)
        for library in libraries:
            library.settlement_id = library.settlement_ref.pk
        Builder.insert(LibraryPage, libraries)
        written.update(settlements=len(settlements), libraries=len(libraries))
        log(f"  {len(settlements)} settlements, {len(libraries)} libraries")

        # Cooperations with their membership history.
        colours = ["#1f5f8b", "#8b1f3a", "#2e7d32", "#6d4c41", "#c77700", "#4a148c", "#00695c"]
        for coop in coops:
            signed_on = random_day(rng, date(2014, 1, 1), today - timedelta(days=200))
            coop.signed_on = signed_on
            rng.shuffle(coop.libraries)
            plan_membership(rng, coop, signed_on, today)
            member_regions = {lib.settlement_ref.region.code for lib in coop.members}
            level = (
                choices.CooperationLevel.INTERMUNICIPAL
                if member_regions == {home_region.code}
                else choices.CooperationLevel.INTERREGIONAL
            )
            founder = coop.libraries[0].settlement_ref
            coop.page = build.page(
                CooperationPage,
                coop_index,
                f"Содружество «{coop.name}»",
                latin_slug(coop.name),
                aware(signed_on, 12),
                settlement_name=coop.name,
                name_key=normalise_name(coop.name),
                organisational_form=rng.choice(choices.OrganisationalForm.values),
                level=level,
                emblem=maybe_image(0.6),
                colour=rng.choice(colours),
                social_links=[
                    {
                        "type": "link",
                        "value": {
                            "title": "ВКонтакте",
                            "url": f"https://example.org/vk/{latin_slug(coop.name)}",
                        },
                        "id": str(uuid.uuid4()),
                    }
                ],
                agreement_signed_on=signed_on,
                agreement_place=f"{founder.abbr} {coop.name} ({founder.region.name})",
                agreement_document=rng.choice(documents) if rng.random() < 0.5 else None,
                agreement_text=(
                    "<p>Стороны объединяют усилия для совместных программ, мероприятий, "
                    "изданий и взаимного доступа к фондам.</p>"
                ),
                intro=(
                    f"Библиотеки населённых пунктов «{coop.name}» из "
                    f"{len({lib.settlement_ref.region.pk for lib in coop.libraries})} "
                    "регионов работают вместе по Соглашению о сотрудничестве."
                ),
                body=paragraphs(rng, rng.randint(1, 3)),
            )
        slugs = Counter()
        for coop in coops:
            slugs[coop.page.slug] += 1
            if slugs[coop.page.slug] > 1:
                coop.page.slug = f"{coop.page.slug}-{slugs[coop.page.slug]}"
                coop.page.url_path = f"{coop_index.url_path}{coop.page.slug}/"
        Builder.insert(CooperationPage, [coop.page for coop in coops])
        changes = [
            MembershipChange(
                cooperation_id=coop.page.pk,
                library_id=library.pk,
                kind=kind,
                date=day,
                status=status,
                message=(
                    "Просим принять библиотеку в число участников Соглашения."
                    if kind == choices.MembershipChangeKind.JOIN
                    else "Библиотека сообщает о выходе из Соглашения."
                ),
            )
            for coop in coops
            for library, kind, day, status in sorted(coop.history, key=lambda h: h[2])
        ]
        MembershipChange.objects.bulk_create(changes, batch_size=500)
        written.update(cooperations=len(coops), membership_changes=len(changes))
        log(f"  {len(coops)} cooperations, {len(changes)} membership changes")

        # Joint content: a few cooperations are very active, most are modest.
        budget = goal["pages"] - Page.objects.count()
        weights = [rng.lognormvariate(0, 0.8) for _ in coops]
        budgets = spread(budget, weights, minimum=min(8, budget // len(coops)))
        pages = defaultdict(list)
        partners = defaultdict(list)  # model -> [(page, [libraries])]
        plan_items = []
        shares = dict(CONTENT_SHARES)
        for coop, size in zip(coops, budgets, strict=True):
            parent = coop.page
            years = list(range(coop.signed_on.year, today.year + 1))
            plan_years = years[-max(1, min(len(years), size // 6)) :]
            kinds = [weighted(rng, shares) for _ in range(size - len(plan_years))]
            kinds.sort(key=lambda model: model is not ProgramPage)
            programs = []
            region_names = sorted({lib.settlement_ref.region.name for lib in coop.libraries})
            for year in plan_years:
                plan = build.page(
                    WorkPlanPage,
                    parent,
                    f"План совместной работы на {year} год",
                    f"plan-{year}",
                    aware(date(year - 1, 12, 20)),
                    cooperation_id=parent.pk,
                    year=year,
                    intro=f"Что библиотеки содружества «{coop.name}» делают вместе в {year} году.",
                )
                pages[WorkPlanPage].append(plan)
                for order in range(rng.randint(4, 10)):
                    starts_on = random_day(rng, date(year, 1, 10), date(year, 11, 30))
                    ends_on = min(
                        date(year, 12, 31), starts_on + timedelta(days=rng.randint(0, 40))
                    )
                    if ends_on < today:
                        status = rng.choices(["done", "cancelled"], weights=[92, 8])[0]
                    elif starts_on <= today:
                        status = "in_progress"
                    else:
                        status = "planned"
                    plan_items.append(
                        WorkPlanItem(
                            plan=plan,
                            sort_order=order,
                            title=rng.choice(words.PLAN_ITEMS).format(
                                name=coop.name,
                                theme=rng.choice(words.PRO_THEMES),
                                festive=rng.choice(words.FESTIVE),
                            ),
                            starts_on=starts_on,
                            ends_on=ends_on,
                            responsible_library=rng.choice(coop.members),
                            status=status,
                            description=rng.choice(words.SENTENCES),
                        )
                    )
            for n, model in enumerate(kinds, start=1):
                fill = {
                    "name": coop.name,
                    "theme": rng.choice(words.PRO_THEMES),
                    "festive": rng.choice(words.FESTIVE),
                    "program": rng.choice(words.PROGRAM_THEMES),
                    "region": rng.choice(region_names),
                    "abbr": rng.choice(coop.settlements).abbr,
                    "n": n,
                }
                common = {
                    "cooperation_id": parent.pk,
                    "intro": rng.choice(words.SENTENCES),
                    "body": paragraphs(rng, rng.randint(2, 4)),
                }
                if model is ProgramPage:
                    starts_on = random_day(rng, coop.signed_on, today)
                    period = f"{starts_on.year}–{starts_on.year + 2}"
                    title = f"Программа «{fill['program']}» на {period} годы"
                    page = build.page(
                        model,
                        parent,
                        title,
                        f"programma-{n}",
                        aware(starts_on) - timedelta(days=10),
                        status=(
                            choices.ProgramStatus.COMPLETED
                            if starts_on.year + 2 < today.year
                            else choices.ProgramStatus.ACTIVE
                        ),
                        starts_on=starts_on,
                        ends_on=date(starts_on.year + 2, 12, 31),
                        goals="<ul><li>Привлечь к чтению детей и молодёжь.</li>"
                        "<li>Собрать и издать историю сёл-тёзок.</li></ul>",
                        working_group="Заведующие библиотеками-партнёрами и методист ЦБС.",
                        results="<p>Проведены совместные мероприятия, выпущен сборник.</p>",
                        image=maybe_image(0.4),
                        **common,
                    )
                    programs.append(page)
                elif model is EventPage:
                    kind = weighted(rng, words.EVENT_KIND_WEIGHTS)
                    title = rng.choice(words.EVENT_TITLES[kind]).format(**fill)
                    starts_at = aware(
                        random_day(rng, coop.signed_on, today + timedelta(days=180)),
                        rng.randint(10, 17),
                    )
                    fmt = rng.choices(choices.EventFormat.values, weights=[60, 25, 15])[0]
                    venue = None
                    if fmt != choices.EventFormat.ONLINE:
                        venue = rng.choice(coop.members)
                    page = build.page(
                        model,
                        parent,
                        title,
                        f"{latin_slug(title)[:50]}-{n}",
                        starts_at - timedelta(days=20),
                        kind=kind,
                        format=fmt,
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=rng.randint(1, 4)),
                        venue_library=venue,
                        venue_address=venue.address if venue else "",
                        online_url=(
                            f"https://example.org/live/{coop.page.slug}-{n}"
                            if fmt != choices.EventFormat.OFFLINE
                            else ""
                        ),
                        program=rng.choice(programs) if programs and rng.random() < 0.3 else None,
                        image=maybe_image(0.5),
                        **common,
                    )
                elif model is PublicationPage:
                    kind = weighted(rng, words.PUBLICATION_KIND_WEIGHTS)
                    year = rng.randint(coop.signed_on.year, today.year)
                    title = rng.choice(words.PUBLICATION_TITLES[kind]).format(year=year, **fill)
                    published = aware(random_day(rng, date(year, 1, 15), date(year, 12, 20)))
                    page = build.page(
                        model,
                        parent,
                        title,
                        f"{latin_slug(title)[:50]}-{n}",
                        published,
                        kind=kind,
                        year=year,
                        authors="Сост. Н. В. Иванова, Т. С. Петрова",
                        document=rng.choice(documents) if rng.random() < 0.3 else None,
                        cover=maybe_image(0.5),
                        **common,
                    )
                else:
                    day = random_day(rng, coop.signed_on, today)
                    title = rng.choice(words.CHRONICLE_TITLES).format(**fill)
                    page = build.page(
                        model,
                        parent,
                        title,
                        f"{latin_slug(title)[:50]}-{n}",
                        aware(day, 15),
                        date=day,
                        image=maybe_image(0.5),
                        **common,
                    )
                pages[model].append(page)
                partners[model].append(
                    (page, rng.sample(coop.members, min(len(coop.members), rng.randint(1, 4))))
                )

        for model in CONTENT_MODELS:
            if model is EventPage:
                for page in pages[model]:
                    page.program_id = page.program.pk if page.program else None
            Builder.insert(model, pages[model])
            written[model._meta.model_name] = len(pages[model])
        for item in plan_items:
            item.plan_id = item.plan.pk
        WorkPlanItem.objects.bulk_create(plan_items, batch_size=500)
        written.update(work_plan_items=len(plan_items))
        for model, rows in partners.items():
            through = model.partner_libraries.through
            source = model._meta.model_name
            through.objects.bulk_create(
                [
                    through(**{f"{source}_id": page.pk, "librarypage_id": library.pk})
                    for page, chosen in rows
                    for library in chosen
                ],
                batch_size=500,
            )
            written[f"{source}_partners"] = sum(len(chosen) for _page, chosen in rows)

        # Parents written before their children learnt their numchild late.
        Page.objects.bulk_update(
            [
                Page(pk=p.pk, numchild=p.numchild)
                for p in [coop_index, settlement_index, *(c.page for c in coops)]
            ],
            ["numchild"],
            batch_size=500,
        )
    return written
