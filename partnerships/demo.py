"""Demo content: a small but realistic hub built from data files shipped with the add-on.

Everything is made on the spot, nothing is downloaded: settlements come from an extract of the
OpenStreetMap gazetteer (data/demo/settlements.csv; © участники OpenStreetMap, ODbL 1.0), texts
from data/demo/*.toml, images and PDF files are drawn with Pillow. Dates of joint work are
counted from the day the demo is built, so that upcoming events stay upcoming.
"""

import csv
import hashlib
import io
import tomllib
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path

import wagtail_factories
from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modelsearch.backends import get_search_backends
from modelsearch.index import get_indexed_models
from modelsearch.signal_handlers import post_save_signal_handler
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page
from wagtail.utils.file import hash_filelike

from . import choices
from .consent import CONSENT_VERSION
from .factories import (
    ChronicleFactory,
    CooperationFactory,
    EventFactory,
    LibraryFactory,
    ProgramFactory,
    PublicationFactory,
    SettlementFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
    latin_slug,
)
from .models import (
    CooperationIndexPage,
    CooperationPage,
    District,
    MembershipChange,
    Proposal,
    Region,
    SettlementIndexPage,
    SettlementPage,
    WorkPlanPage,
)
from .models.cooperations import check_namesake, membership_history_errors
from .setup import install, section

PAGE_COUNTS = [
    "settlements",
    "libraries",
    "cooperations",
    "programs",
    "events",
    "publications",
    "work_plans",
    "chronicle",
]
DATA_DIR = Path(__file__).resolve().parent / "data" / "demo"
COLLECTION_NAME = "Демонстрационные материалы «Тёзок»"
# The demo hub's settlements and libraries appear just before its first Agreement is signed.
HUB_OPENED = date(2021, 9, 1)
FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
]
FONT_FILES = {
    False: ["DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf", "arial.ttf"],
    True: ["DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf", "LiberationSans-Bold.ttf", "arialbd.ttf"],
}


class DemoExists(Exception):
    """The demo content is already in the database."""


def read_settlements():
    with (DATA_DIR / "settlements.csv").open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {row["key"]: row for row in rows}


def read_toml(name):
    with (DATA_DIR / name).open("rb") as f:
        return tomllib.load(f)


def demo_data():
    return {
        "settlements": read_settlements(),
        "libraries": read_toml("libraries.toml")["library"],
        "cooperations": read_toml("cooperations.toml")["cooperation"],
    }


# ------------------------------------------------------------------ finding and removing


def demo_pages(data=None):
    """The demo's cooperations and settlements (their pages below go with them)."""
    data = data or demo_data()
    cooperations = CooperationPage.objects.filter(
        slug__in=[c["slug"] for c in data["cooperations"]],
        depth__gt=1,
    ).filter(pk__in=_children_of(CooperationIndexPage))
    settlements = SettlementPage.objects.filter(slug__in=list(data["settlements"])).filter(
        pk__in=_children_of(SettlementIndexPage)
    )
    return cooperations, settlements


def _children_of(section_model):
    ids = []
    for index_page in section_model.objects.all():
        ids.extend(index_page.get_children().values_list("pk", flat=True))
    return ids


def demo_exists(data=None):
    cooperations, settlements = demo_pages(data)
    return (
        cooperations.exists()
        or settlements.exists()
        or Collection.objects.filter(name=COLLECTION_NAME).exists()
    )


@transaction.atomic
def remove_demo():
    """Delete what the demo made: its pages and its media collection.

    Districts stay: they are reference data that the gazetteer import shares.
    """
    data = demo_data()
    removed = Counter()
    cooperations, settlements = demo_pages(data)
    for queryset, key in ((cooperations, "cooperations"), (settlements, "settlements")):
        for page in list(queryset):
            removed[key] += 1
            removed["pages"] += page.get_descendants(inclusive=True).count()
            # A library protects its settlement from deletion, so the libraries go first.
            for child in page.get_children():
                child.delete()
            page.delete()
    collection = Collection.objects.filter(name=COLLECTION_NAME).first()
    if collection is not None:
        images = get_image_model().objects.filter(collection=collection)
        documents = get_document_model().objects.filter(collection=collection)
        removed["images"] = images.count()
        removed["documents"] = documents.count()
        for item in [*images, *documents]:
            item.delete()
        collection.delete()
    return removed


# ------------------------------------------------------------------ drawing


class Typesetter:
    """Fonts for the generated images; without a Cyrillic font, text is transliterated."""

    def __init__(self):
        self.paths = {bold: self._find(FONT_FILES[bold]) for bold in (False, True)}
        self.cyrillic = self.paths[False] is not None
        self._cache = {}

    @staticmethod
    def _find(names):
        for folder in FONT_DIRS:
            for name in names:
                path = folder / name
                if path.exists():
                    return path
        return None

    def font(self, size, bold=False):
        key = (size, bold)
        if key not in self._cache:
            path = self.paths[bold] or self.paths[False]
            try:
                self._cache[key] = (
                    ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)
                )
            except (OSError, TypeError):
                self._cache[key] = ImageFont.load_default()
        return self._cache[key]

    def text(self, value):
        return value if self.cyrillic else anyascii(value)

    def wrap(self, draw, text, font, width):
        lines, line = [], ""
        for word in self.text(text).split():
            candidate = f"{line} {word}".strip()
            if line and draw.textlength(candidate, font=font) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        if line:
            lines.append(line)
        return lines

    def paragraph(self, draw, xy, text, font, width, fill, spacing=1.3):
        x, y = xy
        size = getattr(font, "size", 12)
        for line in self.wrap(draw, text, font, width):
            draw.text((x, y), line, font=font, fill=fill)
            y += int(size * spacing)
        return y


def rgb(colour):
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, share):
    return tuple(int(x + (y - x) * share) for x, y in zip(a, b, strict=True))


def numbers(seed, count, top):
    """Repeatable pseudo-random numbers from a text, so the same demo draws the same pictures."""
    digest = hashlib.sha256(seed.encode()).digest()
    return [digest[i % len(digest)] * top // 256 for i in range(count)]


class Drawer:
    WHITE = (255, 255, 255)
    INK = (33, 37, 41)

    def __init__(self):
        self.type = Typesetter()

    def png(self, image):
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=3)
        return buffer.getvalue()

    def emblem(self, name, colour):
        size = 480
        base = rgb(colour)
        image = PILImage.new("RGB", (size, size), self.WHITE)
        draw = ImageDraw.Draw(image)
        draw.ellipse((16, 16, size - 16, size - 16), fill=base)
        draw.ellipse((44, 44, size - 44, size - 44), outline=self.WHITE, width=6)
        letter = self.type.text(name)[:1]
        font = self.type.font(220, bold=True)
        draw.text((size / 2, size / 2 - 20), letter, font=font, fill=self.WHITE, anchor="mm")
        small = self.type.font(34, bold=True)
        draw.text(
            (size / 2, size - 120), self.type.text(name), font=small, fill=self.WHITE, anchor="mm"
        )
        return self.png(image)

    def cover(self, title, subtitle, year, colour):
        width, height = 600, 850
        base = rgb(colour)
        image = PILImage.new("RGB", (width, height), mix(base, self.WHITE, 0.85))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, 46, height), fill=mix(base, (0, 0, 0), 0.25))
        draw.rectangle((46, 120, width, 520), fill=base)
        y = self.type.paragraph(
            draw, (80, 150), title, self.type.font(38, bold=True), width - 120, self.WHITE
        )
        draw.line((80, y + 14, 260, y + 14), fill=self.WHITE, width=4)
        self.type.paragraph(draw, (80, 600), subtitle, self.type.font(24), width - 120, self.INK)
        draw.text((80, height - 80), str(year), font=self.type.font(28, bold=True), fill=base)
        return self.png(image)

    def poster(self, title, label, when, colour):
        width, height = 1200, 630
        base = rgb(colour)
        image = PILImage.new("RGB", (width, height), base)
        draw = ImageDraw.Draw(image)
        for i, r in enumerate(numbers(title, 6, 260)):
            cx, cy = 700 + i * 90, 80 + (r * 2) % 470
            shade = mix(base, self.WHITE, 0.12 + 0.05 * (i % 3))
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=shade)
        draw.text((70, 70), self.type.text(label).upper(), font=self.type.font(30), fill=self.WHITE)
        self.type.paragraph(
            draw, (70, 140), title, self.type.font(56, bold=True), width - 300, self.WHITE, 1.2
        )
        draw.text(
            (70, height - 100), self.type.text(when), font=self.type.font(34), fill=self.WHITE
        )
        return self.png(image)

    def scene(self, seed, colour):
        """A quiet village picture: sky, fields and a small library with lit windows."""
        width, height = 1200, 800
        base = rgb(colour)
        sky_top, sky_bottom = mix(base, self.WHITE, 0.55), mix(base, self.WHITE, 0.9)
        image = PILImage.new("RGB", (width, height), sky_bottom)
        draw = ImageDraw.Draw(image)
        for y in range(0, 460, 4):
            draw.rectangle((0, y, width, y + 4), fill=mix(sky_top, sky_bottom, y / 460))
        r = numbers(seed, 12, 200)
        draw.ellipse(
            (880 + r[0], 60 + r[1] // 4, 980 + r[0], 160 + r[1] // 4), fill=(255, 236, 170)
        )
        fields = [(120, 150, 80), (96, 132, 66), (140, 162, 92)]
        for i, shade in enumerate(fields):
            top = 430 + i * 90 + r[i + 2] // 10
            draw.polygon(
                [
                    (0, top + r[i + 5] // 5),
                    (width // 2, top - 40),
                    (width, top + 30),
                    (width, height),
                    (0, height),
                ],
                fill=shade,
            )
        for i in range(4):
            tx = 80 + i * 260 + r[10 + i % 2] // 2
            draw.ellipse((tx - 40, 380, tx + 40, 480), fill=(70, 110, 60))
            draw.rectangle((tx - 6, 470, tx + 6, 520), fill=(96, 72, 48))
        x, y = 300 + r[8], 400 + r[9] // 10
        wall, roof = (236, 226, 204), mix(base, (0, 0, 0), 0.3)
        draw.rectangle((x, y, x + 360, y + 200), fill=wall)
        draw.polygon([(x - 30, y), (x + 180, y - 120), (x + 390, y)], fill=roof)
        for i in range(3):
            wx = x + 40 + i * 110
            draw.rectangle((wx, y + 50, wx + 60, y + 120), fill=(255, 214, 120))
            draw.line((wx + 30, y + 50, wx + 30, y + 120), fill=wall, width=4)
        draw.rectangle((x + 150, y + 130, x + 210, y + 200), fill=mix(roof, self.WHITE, 0.2))
        return self.png(image)

    def pdf(self, title, subtitle, pages, footer):
        """A small multi-page PDF (A5 at 100 dpi): a title page, then the pages.

        A page is a text or a list of paragraphs.
        """
        width, height = 583, 827
        sheets = []
        for number, page in enumerate([None, *pages], start=1):
            sheet = PILImage.new("L", (width, height), 255)
            draw = ImageDraw.Draw(sheet)
            if page is None:
                y = self.type.paragraph(
                    draw, (50, 120), title, self.type.font(30, bold=True), width - 100, 0, 1.25
                )
                draw.line((50, y + 16, 200, y + 16), fill=80, width=3)
                self.type.paragraph(
                    draw, (50, y + 50), subtitle, self.type.font(17), width - 100, 60
                )
            else:
                y = self.type.paragraph(draw, (50, 40), title, self.type.font(12), width - 100, 110)
                for text in [page] if isinstance(page, str) else page:
                    y = self.type.paragraph(
                        draw, (50, y + 40), text, self.type.font(18), width - 100, 0, 1.5
                    )
            draw.text((50, height - 50), self.type.text(footer), font=self.type.font(11), fill=120)
            draw.text((width - 70, height - 50), str(number), font=self.type.font(11), fill=120)
            sheets.append(sheet)
        buffer = io.BytesIO()
        sheets[0].save(
            buffer,
            "PDF",
            save_all=True,
            append_images=sheets[1:],
            resolution=100.0,
            title=self.type.text(title),
            author=self.type.text(footer),
        )
        return buffer.getvalue()


# ------------------------------------------------------------------ building


def stream(items, extra=()):
    """The raw StreamField data for the body items of a data file."""
    blocks = []
    for item in items:
        if "h" in item:
            blocks.append({"type": "heading", "value": item["h"]})
        elif "p" in item:
            blocks.append({"type": "paragraph", "value": f"<p>{escape(item['p'])}</p>"})
        elif "ul" in item:
            points = "".join(f"<li>{escape(point)}</li>" for point in item["ul"])
            blocks.append({"type": "paragraph", "value": f"<ul>{points}</ul>"})
        elif "quote" in item:
            blocks.append(
                {
                    "type": "quote",
                    "value": {"text": item["quote"], "attribution": item.get("by", "")},
                }
            )
    return [*blocks, *extra]


def bullet_list(points):
    return "<ul>" + "".join(f"<li>{escape(point)}</li>" for point in points) + "</ul>"


class DemoBuilder:
    """Builds the demo from the data files, checking the domain rules the admin forms enforce."""

    def __init__(self, today=None):
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.data = demo_data()
        self.counts = Counter()
        self.files = []
        self.draw = Drawer()
        self.libraries = {}
        self.settlements = {}
        self.histories = {}
        self.indexed = []

    # -- helpers

    @cached_property
    def collection(self):
        root = Collection.get_first_root_node()
        return root.add_child(instance=Collection(name=COLLECTION_NAME))

    def on(self, days=0):
        return self.today + timedelta(days=days)

    def at(self, day, clock="12:00"):
        hours, minutes = (int(part) for part in clock.split(":"))
        return timezone.make_aware(datetime.combine(day, time(hours, minutes)))

    def published(self, day):
        """When a page went live: on its day, but never in the future."""
        return min(self.at(day, "09:00"), self.now)

    def image(self, title, content, alt):
        self.counts["images"] += 1
        name = f"demo-{latin_slug(title)[:60]}.png"
        fields = {"description": alt} if _has_field(get_image_model(), "description") else {}
        image = wagtail_factories.ImageFactory(
            title=title,
            file=ImageFile(io.BytesIO(content), name=name),
            collection=self.collection,
            file_size=len(content),
            file_hash=hash_filelike(io.BytesIO(content)),
            **fields,
        )
        self.files.append(image.file)
        self.indexed.append(image)
        return image

    def document(self, title, content, slug):
        self.counts["documents"] += 1
        document = wagtail_factories.DocumentFactory(
            title=title,
            file=ContentFile(content, name=f"{slug}.pdf"),
            collection=self.collection,
            file_size=len(content),
            file_hash=hash_filelike(io.BytesIO(content)),
        )
        self.files.append(document.file)
        self.indexed.append(document)
        return document

    def library(self, key):
        return self.libraries[key]

    def members_on(self, cooperation, day):
        changes = [c for c in self.histories[cooperation.pk] if c.date <= day]
        return {library.pk for library in CooperationPage.members_from_history(changes)}

    def members(self, cooperation, keys, day=None):
        """Libraries by key, checked to be parties of the Agreement today (and on that day).

        The admin offers only current members as partners and venues; the demo keeps to that.
        """
        days = [self.today] if day is None or day >= self.today else [self.today, day]
        for key in keys:
            for when in days:
                if self.library(key).pk not in self.members_on(cooperation, when):
                    raise ValidationError(
                        _("Библиотека «%(key)s» не участвует в Соглашении «%(name)s» на %(day)s.")
                        % {"key": key, "name": cooperation.settlement_name, "day": when}
                    )
        return [self.library(key) for key in keys]

    def index_everything(self):
        """Index what the demo made, in bulk: one pass per model instead of one per save."""
        cooperations, settlements = demo_pages(self.data)
        pages = Page.objects.none()
        for page in [*cooperations, *settlements]:
            pages |= Page.objects.descendant_of(page, inclusive=True)
        by_model = defaultdict(list)
        for obj in [*pages.specific(), *self.indexed]:
            by_model[type(obj)].append(obj)
        for model, objects in by_model.items():
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, objects)

    # -- steps

    def build(self):
        self.build_settlements()
        self.build_libraries()
        for data in self.data["cooperations"]:
            self.build_cooperation(data)
        self.counts["pages"] = sum(self.counts[key] for key in PAGE_COUNTS)
        return self.counts

    def build_settlements(self):
        rows = self.data["settlements"].values()
        names = Counter((row["name"], row["region"]) for row in rows)
        regions = {region.name: region for region in Region.objects.all()}
        parent = section(SettlementIndexPage)
        libraries_by_settlement = Counter(lib["settlement"] for lib in self.data["libraries"])
        for row in rows:
            region = regions[row["region"]]
            district, created = District.objects.get_or_create(
                region=region,
                name=row["municipal_district"],
                defaults={"oktmo": row["municipal_district_oktmo"]},
            )
            self.counts["districts"] += created
            if created:
                self.indexed.append(district)
            where = (
                f"{row['region']}, {row['municipal_district']}"
                if names[(row["name"], row["region"])] > 1
                else row["region"]
            )
            kind = choices.SettlementKind(row["kind"])
            population = int(row["population"]) if row["population"] else None
            intro = _("%(kind)s %(name)s: %(region)s, %(district)s.") % {
                "kind": str(kind.label).capitalize(),
                "name": row["name"],
                "region": row["region"],
                "district": row["municipal_district"],
            }
            if population:
                intro += " " + _("Население — %(population)s чел. (по данным OpenStreetMap).") % {
                    "population": f"{population:,}".replace(",", "\u00a0")
                }
            if libraries_by_settlement[row["key"]]:
                intro += " " + ngettext(
                    "Здесь работает библиотека — участница содружества «%(name)s».",
                    "Здесь работают библиотеки — участницы содружества «%(name)s».",
                    libraries_by_settlement[row["key"]],
                ) % {"name": row["name"]}
            self.settlements[row["key"]] = SettlementFactory(
                parent=parent,
                name=row["name"],
                title=f"{row['name']} ({where})",
                slug=row["key"],
                kind=kind,
                region=region,
                district=district,
                oktmo=row["oktmo"],
                population=population,
                intro=intro,
                first_published_at=self.published(HUB_OPENED),
                last_published_at=self.published(HUB_OPENED),
            )
            self.counts["settlements"] += 1
        self.counts["regions"] = len({row["region"] for row in rows})

    def build_libraries(self):
        for data in self.data["libraries"]:
            settlement = self.settlements[data["settlement"]]
            self.libraries[data["key"]] = LibraryFactory(
                parent=settlement,
                title=data["title"],
                slug=latin_slug(data["title"])[:60],
                official_name=data.get("official_name", ""),
                affiliation=choices.LibraryAffiliation(data["affiliation"]),
                ownership=choices.OwnershipForm(data["ownership"]),
                address=data.get("address", ""),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                website=data.get("website", ""),
                catalogue_url=data.get("catalogue_url", ""),
                opening_hours=data.get("opening_hours", ""),
                intro=data["intro"],
                body=stream(data.get("body", [])),
                first_published_at=self.published(HUB_OPENED),
                last_published_at=self.published(HUB_OPENED),
            )
            self.counts["libraries"] += 1

    def build_cooperation(self, data):
        name = data["settlement_name"]
        colour = data["colour"]
        signed_on = data["signed_on"]
        title = _("Содружество «%(name)s»") % {"name": name}
        emblem = self.image(
            _("Эмблема содружества «%(name)s»") % {"name": name},
            self.draw.emblem(name, colour),
            _("Эмблема: буква «%(letter)s» в круге цвета содружества «%(name)s»")
            % {"letter": name[:1], "name": name},
        )
        agreement_title = _(
            "Соглашение о сотрудничестве библиотек населённых пунктов «%(name)s»"
        ) % {"name": name}
        agreement_points = [
            _(
                "Стороны объединяются на принципах добровольности, самоуправления, равноправия и "
                "гласности."
            ),
            _(
                "Стороны проводят совместные программы, мероприятия и обучение персонала, "
                "выпускают совместные издания и открывают друг другу доступ к фондам."
            ),
            _(
                "Совместную работу планируют на год вперёд; план и хроника деятельности "
                "публикуются на платформе содружества."
            ),
            _(
                "К Соглашению может присоединиться любая библиотека населённого пункта «%(name)s» "
                "независимо от ведомственной принадлежности и формы собственности; выйти из "
                "Соглашения можно, сообщив об этом на платформе."
            )
            % {"name": name},
        ]
        agreement_document = self.document(
            agreement_title,
            self.draw.pdf(
                agreement_title,
                _("Подписано %(date)s, %(place)s")
                % {"date": signed_on.strftime("%d.%m.%Y"), "place": data["place"]},
                [
                    [f"{number}. {point}" for number, point in enumerate(agreement_points, 1)],
                    [
                        _("Соглашение подписали:"),
                        *(
                            self.library(entry["library"]).official_name
                            for entry in data["history"]
                            if entry.get("date") == signed_on
                        ),
                    ],
                ],
                title,
            ),
            f"soglashenie-{data['slug']}",
        )
        changes = []
        for entry in data["history"]:
            changes.append(
                MembershipChange(
                    library=self.library(entry["library"]),
                    kind=choices.MembershipChangeKind(entry["kind"]),
                    date=entry.get("date") or self.on(entry.get("days", 0)),
                    message=entry.get("message", ""),
                    status=choices.MembershipChangeStatus(entry.get("status", "approved")),
                )
            )
        cooperation = CooperationFactory(
            parent=section(CooperationIndexPage),
            settlement_name=name,
            title=title,
            slug=data["slug"],
            organisational_form=choices.OrganisationalForm(data["organisational_form"]),
            colour=colour,
            emblem=emblem,
            intro=data["intro"],
            body=stream(data.get("body", [])),
            social_links=[
                {"type": "link", "value": {"title": link["title"], "url": link["url"]}}
                for link in data.get("social", [])
            ],
            agreement_title=agreement_title,
            agreement_signed_on=signed_on,
            agreement_place=data["place"],
            agreement_text="<p>"
            + escape(
                _("Библиотеки населённых пунктов «%(name)s» договорились о сотрудничестве:")
                % {"name": name}
            )
            + "</p>"
            + bullet_list(agreement_points),
            agreement_document=agreement_document,
            first_published_at=self.published(signed_on),
            last_published_at=self.published(signed_on),
        )
        self.check_history(cooperation, changes)
        for change in changes:
            change.cooperation = cooperation
        MembershipChange.objects.bulk_create(changes)
        cooperation.refresh_level()
        self.histories[cooperation.pk] = changes
        self.counts["cooperations"] += 1
        self.counts["membership_changes"] += len(changes)
        self.counts[f"level:{cooperation.level}"] += 1

        programs = {}
        for item in data.get("program", []):
            programs[item["slug"]] = self.build_program(cooperation, item, colour)
        for item in data.get("event", []):
            self.build_event(cooperation, item, colour, programs)
        for item in data.get("publication", []):
            self.build_publication(cooperation, item, colour)
        for item in data.get("plan", []):
            self.build_plan(cooperation, item)
        for item in data.get("chronicle", []):
            self.build_chronicle(cooperation, item, colour)
        for item in data.get("proposal", []):
            self.build_proposal(cooperation, item)

    def build_proposal(self, cooperation, data):
        """A reader's proposal (§5.2) as if sent through the form, with the consent recorded."""
        sent = min(self.at(self.on(data["days"]), "18:30"), self.now)
        status = choices.ProposalStatus(data["status"])
        Proposal.objects.create(
            cooperation=cooperation,
            name=data["name"],
            email=f"reader-{len(data['name'])}@example.ru",
            text=data["text"],
            status=status,
            consent_version=CONSENT_VERSION,
            consent_given_at=sent,
            moderated_at=sent if status != choices.ProposalStatus.NEW else None,
        )
        self.counts["proposals"] += 1

    def check_history(self, cooperation, changes):
        errors = membership_history_errors(changes, cooperation.agreement_signed_on)
        for change in changes:
            check_namesake(cooperation, change.library)
        if errors:
            raise ValidationError([message for _change, message in errors])

    def build_program(self, cooperation, data, colour):
        starts_on = self.on(data["start_days"])
        ends_on = self.on(data["end_days"]) if "end_days" in data else None
        if starts_on > self.today:
            status = choices.ProgramStatus.PLANNED
        elif ends_on and ends_on < self.today:
            status = choices.ProgramStatus.COMPLETED
        else:
            status = choices.ProgramStatus.ACTIVE
        image = None
        if "image" in data:
            image = self.image(data["image"], self.draw.scene(data["slug"], colour), data["image"])
        program = ProgramFactory(
            parent=cooperation,
            title=data["title"],
            slug=data["slug"],
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
            intro=data["intro"],
            goals=bullet_list(data.get("goals", [])) if data.get("goals") else "",
            working_group=data.get("working_group", ""),
            results=bullet_list(data["results"]) if data.get("results") else "",
            image=image,
            body=stream(data.get("body", [])),
            partner_libraries=self.members(cooperation, data.get("partners", [])),
            first_published_at=self.published(starts_on - timedelta(days=30)),
            last_published_at=self.published(starts_on - timedelta(days=30)),
        )
        self.counts["programs"] += 1
        return program

    def build_event(self, cooperation, data, colour, programs):
        day = self.on(data["days"])
        starts_at = self.at(day, data.get("time", "12:00"))
        ends_at = starts_at + timedelta(hours=data.get("hours", 2))
        event_format = choices.EventFormat(data["format"])
        kind = choices.EventKind(data["kind"])
        when = "past" if starts_at <= self.now else "upcoming"
        venue = self.library(data["venue"]) if "venue" in data else None
        if venue is not None:
            self.members(cooperation, [data["venue"]], day)
        poster = self.image(
            _("Афиша: %(title)s") % {"title": data["title"]},
            self.draw.poster(
                data["title"],
                str(kind.label),
                timezone.localtime(starts_at).strftime("%d.%m.%Y, %H:%M"),
                colour,
            ),
            _("Афиша мероприятия «%(title)s»: %(kind)s, %(date)s")
            % {
                "title": data["title"],
                "kind": kind.label,
                "date": timezone.localtime(starts_at).strftime("%d.%m.%Y"),
            },
        )
        EventFactory(
            parent=cooperation,
            title=data["title"],
            slug=data["slug"],
            kind=kind,
            format=event_format,
            starts_at=starts_at,
            ends_at=ends_at,
            venue_library=venue,
            venue_address="" if venue else data.get("address", ""),
            online_url=(
                f"https://video.example.ru/tezki/{cooperation.slug}/{data['slug']}"
                if event_format != choices.EventFormat.OFFLINE
                else ""
            ),
            program=programs.get(data.get("program")),
            intro=data["intro"],
            image=poster,
            body=stream(data.get("body", [])),
            partner_libraries=self.members(cooperation, data.get("partners", []), day),
            first_published_at=self.published(day - timedelta(days=30)),
            last_published_at=self.published(day - timedelta(days=30)),
        )
        self.counts["events"] += 1
        self.counts[f"events:{when}"] += 1

    def build_publication(self, cooperation, data, colour):
        year = self.today.year + data.get("year", 0)
        kind = choices.PublicationKind(data["kind"])
        cover = self.image(
            _("Обложка: %(title)s") % {"title": data["title"]},
            self.draw.cover(data["title"], cooperation.title, year, colour),
            _("Обложка издания «%(title)s», %(year)s") % {"title": data["title"], "year": year},
        )
        document = self.document(
            data["title"],
            self.draw.pdf(
                data["title"],
                f"{data.get('authors', '')}\n{cooperation.title}, {year}",
                data.get("pages", []),
                cooperation.title,
            ),
            f"{cooperation.slug}-{data['slug']}",
        )
        day = min(date(year, 3, 1), self.today)
        PublicationFactory(
            parent=cooperation,
            title=data["title"],
            slug=data["slug"],
            kind=kind,
            year=year,
            authors=data.get("authors", ""),
            intro=data["intro"],
            document=document,
            cover=cover,
            body=stream(
                data.get("body", []),
                extra=[
                    {
                        "type": "document",
                        "value": {"document": document.pk, "title": _("Скачать издание (PDF)")},
                    }
                ],
            ),
            partner_libraries=self.members(cooperation, data.get("partners", [])),
            first_published_at=self.published(day),
            last_published_at=self.published(day),
        )
        self.counts["publications"] += 1

    def build_plan(self, cooperation, data):
        year = self.today.year + data["year"]
        unsaved_plan = WorkPlanPage(year=year)
        items = []
        for number, item in enumerate(data["items"]):
            starts_on = date.fromisoformat(f"{year}-{item['start']}")
            ends_on = date.fromisoformat(f"{year}-{item['end']}") if "end" in item else None
            if "status" in item:
                status = choices.PlanItemStatus(item["status"])
            elif (ends_on or starts_on) < self.today:
                status = choices.PlanItemStatus.DONE
            elif starts_on <= self.today:
                status = choices.PlanItemStatus.IN_PROGRESS
            else:
                status = choices.PlanItemStatus.PLANNED
            plan_item = WorkPlanItemFactory.build(
                plan=unsaved_plan,
                title=item["title"],
                starts_on=starts_on,
                ends_on=ends_on,
                status=status,
                responsible_library=self.library(item["library"]),
                description=item.get("description", ""),
                sort_order=number,
            )
            plan_item.full_clean(exclude=["plan"])
            items.append(plan_item)
        plan = WorkPlanFactory(
            parent=cooperation,
            year=year,
            title=_("План совместной работы на %(year)s год") % {"year": year},
            slug=f"plan-{year}",
            intro=data.get("intro", ""),
            items=items,
            first_published_at=self.published(date(year - 1, 12, 15)),
            last_published_at=self.published(date(year - 1, 12, 15)),
        )
        plan.clean_for_parent(cooperation)
        self.counts["work_plans"] += 1
        self.counts["plan_items"] += len(items)

    def build_chronicle(self, cooperation, data, colour):
        day = data.get("date") or self.on(data.get("days", 0))
        image = None
        if "image" in data:
            image = self.image(data["image"], self.draw.scene(data["slug"], colour), data["image"])
        ChronicleFactory(
            parent=cooperation,
            title=data["title"],
            slug=data["slug"],
            date=day,
            intro=data["intro"],
            image=image,
            body=stream(data.get("body", [])),
            partner_libraries=self.members(cooperation, data.get("partners", []), day),
            first_published_at=self.published(day),
            last_published_at=self.published(day),
        )
        self.counts["chronicle"] += 1


@contextmanager
def search_index_deferred():
    """Keep the search backends from indexing every single save while the demo is built.

    Partner libraries and plan items are saved after their page, so a page indexed on save
    would be indexed without them; and each single add refreshes the whole SQLite index.
    """
    models = [m for m in get_indexed_models() if getattr(m, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


def _has_field(model, name):
    return any(field.name == name for field in model._meta.get_fields())


def build_demo(today=None, dry_run=False):
    """Install the hub if needed and build the demo; return the counts of what was made.

    Raises DemoExists when the demo is already there. Files written for a build that does
    not commit (an error, or a dry run) are deleted again.
    """
    builder = DemoBuilder(today)
    try:
        with transaction.atomic():
            install()
            if demo_exists(builder.data):
                raise DemoExists
            with search_index_deferred():
                counts = builder.build()
            builder.index_everything()
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        _delete_files(builder.files)
        raise
    if dry_run:
        _delete_files(builder.files)
    return counts


def _delete_files(files):
    for field_file in files:
        field_file.storage.delete(field_file.name)
