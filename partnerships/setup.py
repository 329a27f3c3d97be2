"""Installing the hub into a Wagtail site: idempotent, like an add-on's install profile."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Site

from .models import (
    CooperationIndexPage,
    EventIndexPage,
    PublicationIndexPage,
    Region,
    SettlementIndexPage,
)

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"

SECTIONS = [
    (
        CooperationIndexPage,
        "sodruzhestva",
        "Содружества",
        "Библиотеки одноимённых населённых пунктов, объединённые Соглашением о сотрудничестве.",
    ),
    (
        SettlementIndexPage,
        "naselennye-punkty",
        "Населённые пункты",
        "Сёла, посёлки и города, в которых работают библиотеки-партнёры.",
    ),
    (
        EventIndexPage,
        "meropriyatiya",
        "Мероприятия",
        "Семинары, конференции, чтения и выставки, которые библиотеки проводят вместе.",
    ),
    (
        PublicationIndexPage,
        "izdaniya",
        "Издания",
        "Совместные издания библиотек-партнёров: сборники, указатели, пособия.",
    ),
]


def ensure_locales():
    created = []
    for code, _name in getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", []):
        _locale, was_created = Locale.objects.get_or_create(language_code=code)
        if was_created:
            created.append(code)
    return created


def ensure_regions():
    with REGIONS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    existing = set(Region.objects.values_list("code", flat=True))
    Region.objects.bulk_create(
        [Region(code=row["code"], name=row["name"]) for row in rows if row["code"] not in existing]
    )
    return len(rows) - len(existing & {row["code"] for row in rows})


def ensure_sections(root):
    """Create each missing hub section under the site's root page; return those created."""
    created = []
    for model, slug, title, intro in SECTIONS:
        if model.objects.child_of(root).exists():
            continue
        root.add_child(instance=model(title=title, slug=slug, intro=intro, locale=root.locale))
        created.append(title)
    return created


def refresh_planner_statistics():
    """Let the database plan queries by the hub's real sizes (SQLite has none until ANALYZE).

    Cheap (under a second at 30,000 pages); run after set-up, demo content and imports.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            # ANALYZE records nothing for an empty table, and SQLite then guesses it large:
            # with no view restriction at all, every Page.objects.public() scanned the
            # whole page tree (14 ms at 30,000 pages) to join the empty restriction table.
            cursor.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) SELECT name, NULL, '1' "
                "FROM sqlite_master AS m WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' "
                "AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 AS s WHERE s.tbl = m.name)"
            )
            # Planner statistics are read when a connection opens or after this.
            cursor.execute("ANALYZE sqlite_schema")


@transaction.atomic
def install(site=None):
    site = site or Site.objects.get(is_default_site=True)
    root = site.root_page.specific
    from .teams import provision_hub

    report = {
        "locales": ensure_locales(),
        "regions": ensure_regions(),
        "sections": ensure_sections(root),
    }
    report["teams"] = provision_hub(site)
    return report


def section(model, site=None):
    site = site or Site.objects.get(is_default_site=True)
    return model.objects.child_of(site.root_page).get()
