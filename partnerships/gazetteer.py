"""Importing the settlement gazetteer from open data (CSV, plain or gzip).

The whole file is read and checked before anything is written, so a broken file (wrong
columns, broken encoding, a truncated gzip) is refused with the data left as it was. Then
districts and settlements are written in batches, one transaction per batch; only new and
changed entries are written, so a second import of the same file changes nothing.
"""

import csv
import gzip
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import SettlementKind
from .models import District, GazetteerSettlement, Region
from .models.gazetteer import GazetteerSource, OsmPlace
from .names import normalise_name

SETTLEMENT_COLUMNS = (
    "osm_id",
    "name",
    "official_status",
    "osm_place",
    "region",
    "municipal_district",
    "municipal_district_oktmo",
    "oktmo",
    "population_osm",
)
OPTIONAL_SETTLEMENT_COLUMNS = ("name_en", "oktmo_series")
CITY_COLUMNS = ("oktmo", "city", "settlement", "area", "region", "geo_lat", "geo_lon", "population")

BATCH_SIZE = 5000
EXAMPLES_KEPT = 5
COORDINATE_STEP = Decimal("0.000001")

# Why a row did not become an entry of its own.
SKIPPED_NO_NAME = "no_name"
SKIPPED_LONG_NAME = "long_name"
SKIPPED_BAD_OKTMO = "bad_oktmo"
SKIPPED_NO_KEY = "no_key"
MERGED_DUPLICATE_POINT = "duplicate_point"
MERGED_SAME_OSM_POINT = "same_osm_point"
UNKNOWN_REGION = "unknown_region"

SKIP_REASONS = (SKIPPED_NO_NAME, SKIPPED_LONG_NAME, SKIPPED_BAD_OKTMO, SKIPPED_NO_KEY)
MERGE_REASONS = (MERGED_DUPLICATE_POINT, MERGED_SAME_OSM_POINT)
REASONS = {
    SKIPPED_NO_NAME: gettext_lazy("пропущено: нет названия"),
    SKIPPED_LONG_NAME: gettext_lazy("пропущено: название длиннее 200 знаков"),
    SKIPPED_BAD_OKTMO: gettext_lazy("пропущено: код ОКТМО не из 11 цифр"),
    SKIPPED_NO_KEY: gettext_lazy("пропущено: нет ни кода ОКТМО, ни точки OpenStreetMap"),
    MERGED_DUPLICATE_POINT: gettext_lazy("слито: повтор точки (то же название и код ОКТМО)"),
    MERGED_SAME_OSM_POINT: gettext_lazy("слито: та же точка OpenStreetMap дважды"),
    UNKNOWN_REGION: gettext_lazy("регион не найден в справочнике регионов: запись без региона"),
}

# official_status of the source → the hub's settlement kind.
KINDS = {
    "город": SettlementKind.CITY,
    "посёлок городского типа": SettlementKind.URBAN_SETTLEMENT,
    "рабочий посёлок": SettlementKind.URBAN_SETTLEMENT,
    "городской посёлок": SettlementKind.URBAN_SETTLEMENT,
    "курортный посёлок": SettlementKind.URBAN_SETTLEMENT,
    "дачный посёлок": SettlementKind.URBAN_SETTLEMENT,
    "село": SettlementKind.SELO,
    "деревня": SettlementKind.VILLAGE,
    "хутор": SettlementKind.KHUTOR,
    "станица": SettlementKind.STANITSA,
    "слобода": SettlementKind.SLOBODA,
    "аул": SettlementKind.AUL,
}
SERIES_KINDS = {
    "город": SettlementKind.CITY,
    "пгт/городской посёлок": SettlementKind.URBAN_SETTLEMENT,
}

# Other spellings of region names met in open data → the name in partnerships/data/regions.csv.
REGION_ALIASES = {
    "кемеровская область": "Кемеровская область — Кузбасс",
    "ханты мансийский автономный округ": "Ханты-Мансийский автономный округ — Югра",
    "югра": "Ханты-Мансийский автономный округ — Югра",
    "республика северная осетия": "Республика Северная Осетия — Алания",
    "северная осетия алания": "Республика Северная Осетия — Алания",
    "якутия": "Республика Саха (Якутия)",
    "республика саха": "Республика Саха (Якутия)",
    "чувашия": "Чувашская Республика",
    "чувашская республика чувашия": "Чувашская Республика",
    "удмуртия": "Удмуртская Республика",
    "кабардино балкария": "Кабардино-Балкарская Республика",
    "карачаево черкесия": "Карачаево-Черкесская Республика",
    "чечня": "Чеченская Республика",
    "адыгея": "Республика Адыгея",
    "башкортостан": "Республика Башкортостан",
    "татарстан": "Республика Татарстан",
}

_OKTMO_RE = re.compile(r"^\d{11}$")
_DISTRICT_OKTMO_RE = re.compile(r"^\d{8}$")
_OSM_ID_RE = re.compile(r"^(\w+)/(\d+)$")

COMPARED_FIELDS = (
    "name",
    "name_key",
    "name_en",
    "kind",
    "official_status",
    "osm_place",
    "region_id",
    "district_id",
    "district_name",
    "oktmo",
    "population",
    "latitude",
    "longitude",
    "osm_id",
    "source",
)
# Fields where an empty value in the file keeps what the database holds: what an editor
# completed (region, district, kind) and what came from the cities file (coordinates, population).
KEPT_WHEN_EMPTY = ("kind", "region_id", "district_id", "population", "latitude", "longitude")
KEPT_POSITIONS = frozenset(COMPARED_FIELDS.index(name) for name in KEPT_WHEN_EMPTY)
NAME_KEY, OKTMO, OSM_ID, LATITUDE, SOURCE = (
    COMPARED_FIELDS.index(name) for name in ("name_key", "oktmo", "osm_id", "latitude", "source")
)


class GazetteerFileError(Exception):
    """The file cannot be imported; the message says why, in Russian, for the person running it."""


@dataclass
class ImportReport:
    rows: int = 0
    settlements: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    districts_created: int = 0
    without_region: int = 0
    with_coordinates: int = 0
    not_in_file: int = 0
    dry_run: bool = False
    reasons: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=lambda: defaultdict(list))

    def note(self, reason, line, name):
        self.reasons[reason] += 1
        if len(self.examples[reason]) < EXAMPLES_KEPT:
            self.examples[reason].append((line, name))

    @property
    def skipped(self):
        return sum(self.reasons[reason] for reason in SKIP_REASONS)

    @property
    def merged(self):
        return sum(self.reasons[reason] for reason in MERGE_REASONS)

    def summary_lines(self):
        """What was done, then one line per reason with examples («строка 12: Никольское»)."""
        if self.dry_run:
            yield _("Пробный прогон: ничего не записано.")
        yield _(
            "Строк: %(rows)d; населённых пунктов: %(settlements)d; добавлено: %(created)d; "
            "обновлено: %(updated)d; без изменений: %(unchanged)d; слито: %(merged)d; "
            "пропущено: %(skipped)d."
        ) % {
            "rows": self.rows,
            "settlements": self.settlements,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "skipped": self.skipped,
        }
        yield _(
            "Без региона (дополнит редактор): %(without_region)d; с координатами: "
            "%(with_coordinates)d; новых районов: %(districts)d; есть в базе, но нет в файле "
            "(оставлены): %(not_in_file)d."
        ) % {
            "without_region": self.without_region,
            "with_coordinates": self.with_coordinates,
            "districts": self.districts_created,
            "not_in_file": self.not_in_file,
        }
        for reason, count in sorted(self.reasons.items()):
            examples = "; ".join(
                _("строка %(line)d: %(name)s") % {"line": line, "name": name or "—"}
                for line, name in self.examples[reason]
            )
            yield f"  {REASONS[reason]} — {count} ({examples})"


# Reading -----------------------------------------------------------------------------------


def _open_text(path):
    """Open a CSV file as text, gzip or not: the first bytes decide, not the name."""
    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="strict", newline="")
    return open(path, encoding="utf-8-sig", errors="strict", newline="")


def read_csv(path, required, optional=()):
    """Read the whole file into memory, checking it; return [(line, values)].

    `values` holds the required then the optional columns, in that order ("" for an optional
    column the file lacks).

    Raise GazetteerFileError if the file is missing, is not UTF-8, is a broken or truncated
    gzip, lacks a required column, or has a row with the wrong number of fields.
    """
    path = Path(path)
    line = 0
    try:
        with _open_text(path) as f:
            reader = csv.reader(f)
            header = next(reader, None)
            line = 1
            if header is None:
                raise GazetteerFileError(_("Файл %(path)s пуст.") % {"path": path})
            header = [column.strip() for column in header]
            missing = [column for column in required if column not in header]
            if missing:
                raise GazetteerFileError(
                    _(
                        "В файле %(path)s нет нужных столбцов: %(missing)s. "
                        "Ожидаются столбцы: %(required)s."
                    )
                    % {
                        "path": path,
                        "missing": ", ".join(missing),
                        "required": ", ".join(required),
                    }
                )
            width = len(header)
            # An optional column the file lacks reads the empty string appended to each row.
            project = itemgetter(
                *(
                    header.index(column) if column in header else width
                    for column in (*required, *optional)
                )
            )
            rows = []
            for row in reader:
                line = reader.line_num
                if len(row) != width:
                    if not row:
                        continue
                    raise GazetteerFileError(
                        _(
                            "Файл %(path)s, строка %(line)d: %(found)d полей вместо "
                            "%(expected)d. Файл повреждён или обрезан."
                        )
                        % {"path": path, "line": line, "found": len(row), "expected": width}
                    )
                row.append("")
                rows.append((line, tuple(map(str.strip, project(row)))))
    except GazetteerFileError:
        raise
    except UnicodeDecodeError as error:
        raise GazetteerFileError(
            _(
                "Файл %(path)s не в кодировке UTF-8 (ошибка около строки %(line)d: %(error)s). "
                "Сохраните его в UTF-8."
            )
            % {"path": path, "line": line + 1, "error": error.reason}
        ) from error
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise GazetteerFileError(
            _(
                "Архив %(path)s повреждён или обрезан (прочитано строк: %(line)d): %(error)s. "
                "Скачайте файл заново."
            )
            % {"path": path, "line": line, "error": error}
        ) from error
    except csv.Error as error:
        raise GazetteerFileError(
            _("Файл %(path)s, строка %(line)d: это не CSV (%(error)s).")
            % {"path": path, "line": line + 1, "error": error}
        ) from error
    except OSError as error:
        raise GazetteerFileError(
            _("Не удалось прочитать файл %(path)s: %(error)s.")
            % {"path": path, "error": error.strerror or error}
        ) from error
    return rows


def _coordinate(text):
    try:
        return Decimal(text).quantize(COORDINATE_STEP)
    except (InvalidOperation, ValueError):
        return None


def _population(text):
    text = text.strip().replace(" ", "")
    return int(text) if text.isdigit() and int(text) < 2**31 else None


def read_cities(path):
    """hflabs/city rows by OKTMO code: [(name keys, latitude, longitude, population)]."""
    cities = defaultdict(list)
    for _line, row in read_csv(path, CITY_COLUMNS):
        oktmo, city, settlement, area, region, latitude, longitude, population = row
        latitude, longitude = _coordinate(latitude), _coordinate(longitude)
        if not oktmo or latitude is None or longitude is None:
            continue
        names = {normalise_name(name) for name in (settlement, city, area, region)} - {""}
        cities[oktmo].append((names, latitude, longitude, _population(population)))
    return cities


# Resolving reference data --------------------------------------------------------------------


_REGION_WORDS = {"обл": "область", "респ": "республика", "ао": "автономный округ"}


def _region_key(name):
    """«Белгородская обл.», «БЕЛГОРОДСКАЯ ОБЛАСТЬ» and «Белгородская область» are one region."""
    words = normalise_name(name.replace("(", " ").replace(")", " ")).split()
    return " ".join(_REGION_WORDS.get(word, word) for word in words)


class RegionResolver:
    """Region by the name the file gives; failing that, by the first digits of the OKTMO code."""

    def __init__(self):
        regions = list(Region.objects.all())
        self.by_key = {_region_key(region.name): region for region in regions}
        self.by_key.update(
            {
                alias: region
                for alias, name in REGION_ALIASES.items()
                for region in regions
                if region.name == name
            }
        )
        self.by_code = {region.code: region for region in regions}
        self.by_name = {}

    def __call__(self, name, oktmo):
        if name not in self.by_name:
            self.by_name[name] = self.by_key.get(_region_key(name)) if name else None
        region = self.by_name[name]
        if region is None and oktmo:
            region = self.by_code.get(oktmo[:3]) or self.by_code.get(oktmo[:2])
        return region


def _osm_order(osm_id):
    match = _OSM_ID_RE.match(osm_id)
    return (match.group(1), int(match.group(2))) if match else (osm_id, 0)


@lru_cache(maxsize=1024)
def _kind(official_status, series):
    status = official_status.lower().replace("поселок", "посёлок")
    if status in KINDS:
        return KINDS[status]
    if status.startswith("посёлок"):
        return SettlementKind.SETTLEMENT
    if status:
        return SettlementKind.OTHER
    return SERIES_KINDS.get(series, "")


# The import --------------------------------------------------------------------------------


def parse_settlements(rows, report, resolve_region):
    """Rows → one record per settlement, keyed as the database keys them."""
    records = {}
    osm_owner = set()
    keys = {}
    places = set(OsmPlace.values)
    for line, row in rows:
        (
            osm_id,
            name,
            official_status,
            place,
            region_name,
            district_name,
            district_oktmo,
            oktmo,
            population,
            name_en,
            series,
        ) = row
        if "  " in name:
            name = " ".join(name.split())
        name_key = keys.get(name)
        if name_key is None:
            name_key = keys[name] = normalise_name(name)
        if not name_key:
            report.note(SKIPPED_NO_NAME, line, name)
            continue
        if len(name) > 200:
            report.note(SKIPPED_LONG_NAME, line, name[:60])
            continue
        if oktmo and not _OKTMO_RE.match(oktmo):
            report.note(SKIPPED_BAD_OKTMO, line, name)
            continue
        if not oktmo and not osm_id:
            report.note(SKIPPED_NO_KEY, line, name)
            continue
        if osm_id in osm_owner:
            report.note(MERGED_SAME_OSM_POINT, line, name)
            continue
        if osm_id:
            osm_owner.add(osm_id)
        key = (name_key, oktmo) if oktmo else ("", osm_id)
        record = records.get(key)
        if record is not None:
            # A duplicate point: the first row stands, gaps are filled from the later ones.
            report.note(MERGED_DUPLICATE_POINT, line, name)
            if osm_id and (
                not record["osm_id"] or _osm_order(osm_id) < _osm_order(record["osm_id"])
            ):
                record["osm_id"] = osm_id
            if record["population"] is None:
                record["population"] = _population(population)
            if not record["name_en"]:
                record["name_en"] = name_en[:200]
            continue
        region = resolve_region(region_name, oktmo)
        if region is None and region_name:
            report.note(UNKNOWN_REGION, line, f"{name} ({region_name})")
        official_status = official_status[:80]
        records[key] = {
            "line": line,
            "name": name,
            "name_key": name_key,
            "name_en": name_en[:200],
            "kind": _kind(official_status, series),
            "official_status": official_status,
            "osm_place": place if place in places else "",
            "region": region,
            "district_name": district_name[:200],
            "district_oktmo": district_oktmo,
            "oktmo": oktmo,
            "population": _population(population) if population else None,
            "latitude": None,
            "longitude": None,
            "osm_id": osm_id,
            "source": GazetteerSource.OSM,
        }
    return records


def join_cities(records, cities):
    """Coordinates (and population where OSM has none) of the cities, matched on OKTMO and name."""
    joined = 0
    for record in records.values():
        for names, latitude, longitude, population in cities.get(record["oktmo"], ()):
            if record["name_key"] in names:
                record["latitude"], record["longitude"] = latitude, longitude
                if record["population"] is None:
                    record["population"] = population
                record["source"] = GazetteerSource.OSM_HFLABS
                joined += 1
                break
    return joined


def resolve_districts(records, report, dry_run):
    """Find or create the District of each record; return {(region_id, name): district_id}."""
    by_name = {}
    by_oktmo = {}
    for pk, region_id, name, oktmo in District.objects.order_by().values_list(
        "pk", "region_id", "name", "oktmo"
    ):
        by_name[(region_id, name)] = pk
        if oktmo:
            by_oktmo.setdefault(oktmo, pk)
    wanted = {}
    for record in records.values():
        region = record["region"]
        name = record["district_name"]
        if region is None or not name or len(name) > 160:
            continue
        key = (region.pk, name)
        oktmo = (
            record["district_oktmo"] if _DISTRICT_OKTMO_RE.match(record["district_oktmo"]) else ""
        )
        if key in by_name:
            continue
        if oktmo and oktmo in by_oktmo:
            by_name[key] = by_oktmo[oktmo]
            continue
        if key not in wanted or (oktmo and not wanted[key].oktmo):
            wanted[key] = District(region=region, name=name, oktmo=oktmo)
    report.districts_created = len(wanted)
    if wanted and not dry_run:
        with transaction.atomic():
            District.objects.bulk_create(wanted.values(), batch_size=BATCH_SIZE)
        created = District.objects.filter(
            region_id__in={region_id for region_id, _name in wanted}
        ).values_list("pk", "region_id", "name")
        by_name.update({(region_id, name): pk for pk, region_id, name in created})
    return by_name


def _values(record, district_ids):
    """The record as a tuple in the order of COMPARED_FIELDS."""
    region = record["region"]
    region_id = region.pk if region else None
    return (
        record["name"],
        record["name_key"],
        record["name_en"],
        record["kind"],
        record["official_status"],
        record["osm_place"],
        region_id,
        district_ids.get((region_id, record["district_name"])) if region else None,
        record["district_name"],
        record["oktmo"],
        record["population"],
        record["latitude"],
        record["longitude"],
        record["osm_id"],
        record["source"],
    )


def _table():
    return connection.ops.quote_name(GazetteerSettlement._meta.db_table)


def _column(field_name):
    meta = GazetteerSettlement._meta
    field = meta.pk if field_name == "pk" else meta.get_field(field_name)
    return connection.ops.quote_name(field.column)


def _decimal(value):
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(COORDINATE_STEP)


def _existing():
    """Every entry in the database: by key, by OSM point, and its compared values by pk.

    Plain SQL: the ORM's per-row conversion would cost seconds on 150,000 rows.
    """
    by_key = {}
    by_osm = {}
    values = {}
    latitude = COMPARED_FIELDS.index("latitude")
    longitude = COMPARED_FIELDS.index("longitude")
    columns = ", ".join(_column(name) for name in ("pk", *COMPARED_FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {_table()}")  # noqa: S608
        while chunk := cursor.fetchmany(BATCH_SIZE):
            for pk, *row in chunk:
                row[latitude] = _decimal(row[latitude])
                row[longitude] = _decimal(row[longitude])
                row = values[pk] = tuple(row)
                name_key, oktmo, osm_id = row[NAME_KEY], row[OKTMO], row[OSM_ID]
                if oktmo:
                    by_key[(name_key, oktmo)] = pk
                if osm_id:
                    by_osm[osm_id] = pk
    return by_key, by_osm, values


def _batches(items, size=BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _match(records, by_key, by_osm):
    """Pair records with entries: by key, then by OpenStreetMap point (an entry whose key is
    not in this file may since have got an OKTMO code or a new name)."""
    matches = {}
    for key, record in records.items():
        pk = by_key.get(key) if record["oktmo"] else None
        if pk is not None:
            matches[key] = pk
    claimed = set(matches.values())
    for key, record in records.items():
        if key not in matches and record["osm_id"]:
            pk = by_osm.get(record["osm_id"])
            if pk is not None and pk not in claimed:
                matches[key] = pk
                claimed.add(pk)
    return matches


def _insert(cursor, rows):
    """COPY on PostgreSQL; elsewhere one INSERT run for many rows (cheap on SQLite).

    psycopg binds parameters on the client, so on PostgreSQL both executemany and multi-row
    INSERTs took two to three times the import's 60-second budget for 150,000 rows.
    """
    columns = ", ".join(_column(name) for name in COMPARED_FIELDS)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {_table()} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(COMPARED_FIELDS))
    cursor.executemany(
        f"INSERT INTO {_table()} ({columns}) VALUES ({placeholders})",  # noqa: S608
        rows,
    )


def _write(to_create, to_update, progress):
    """Plain INSERT and UPDATE statements, one transaction per batch.

    bulk_create would first build 150,000 model instances: several times slower.
    """
    done = 0
    total = len(to_create) + sum(len(rows) for rows in to_update.values())
    for batch in _batches(to_create):
        with transaction.atomic(), connection.cursor() as cursor:
            _insert(cursor, batch)
        done += len(batch)
        progress(_("Записано: %(done)d из %(total)d") % {"done": done, "total": total})
    for fields, rows in to_update.items():
        update = "UPDATE {table} SET {assignments} WHERE {pk} = %s".format(  # noqa: S608
            table=_table(),
            assignments=", ".join(f"{_column(name)} = %s" for name in fields),
            pk=_column("pk"),
        )
        for batch in _batches(rows):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(update, batch)
            done += len(batch)
            progress(_("Записано: %(done)d из %(total)d") % {"done": done, "total": total})


def import_gazetteer(path, cities_path=None, dry_run=False, progress=None):
    """Import the settlements CSV at `path` (and coordinates from `cities_path`); return a report.

    `progress(message)` is called at each stage and batch.
    """
    progress = progress or (lambda message: None)
    report = ImportReport(dry_run=dry_run)

    rows = read_csv(path, SETTLEMENT_COLUMNS, OPTIONAL_SETTLEMENT_COLUMNS)
    report.rows = len(rows)
    progress(_("Прочитано строк: %(rows)d") % {"rows": report.rows})
    cities = read_cities(cities_path) if cities_path else {}
    if cities_path:
        progress(_("Городов с координатами: %(count)d") % {"count": len(cities)})

    records = parse_settlements(rows, report, RegionResolver())
    del rows
    report.settlements = len(records)
    report.with_coordinates = join_cities(records, cities)
    report.without_region = sum(1 for record in records.values() if record["region"] is None)
    progress(_("Населённых пунктов в файле: %(count)d") % {"count": report.settlements})

    district_ids = resolve_districts(records, report, dry_run)
    by_key, by_osm, existing = _existing()
    matches = _match(records, by_key, by_osm)

    to_create = []
    to_update = defaultdict(list)
    for key, record in records.items():
        values = _values(record, district_ids)
        pk = matches.get(key)
        if pk is None:
            to_create.append(values)
            continue
        current = existing[pk]
        if values == current:
            report.unchanged += 1
            continue
        # Coordinates kept from an import with the cities file keep their attribution too.
        keep_source = values[LATITUDE] is None and current[LATITUDE] is not None
        changed = tuple(
            position
            for position, (new, old) in enumerate(zip(values, current, strict=True))
            if new != old
            and not (new in ("", None) and position in KEPT_POSITIONS)
            and not (position == SOURCE and keep_source)
        )
        if changed:
            fields = tuple(COMPARED_FIELDS[position] for position in changed)
            to_update[fields].append([values[position] for position in changed] + [pk])
        else:
            report.unchanged += 1
    report.created = len(to_create)
    report.updated = sum(len(rows) for rows in to_update.values())
    report.not_in_file = len(existing) - len(set(matches.values()))

    if not dry_run:
        # In key order the indexes that start with name_key grow at their end: less work.
        to_create.sort(key=itemgetter(NAME_KEY, OKTMO))
        _write(to_create, to_update, progress)
    return report
