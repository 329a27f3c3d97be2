"""The gazetteer: importing open data on settlements, and the namesake clusters built on it."""

import csv
import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from partnerships.choices import SettlementKind
from partnerships.gazetteer import GazetteerFileError, import_gazetteer
from partnerships.models import District, GazetteerSettlement, Region
from partnerships.names import normalise_name
from partnerships.namesakes import namesake_cluster
from partnerships.setup import ensure_regions

DATA = Path("/work/shared/data/gazetteer")
SETTLEMENTS_FILE = DATA / "ru_settlements_osm2020.csv.gz"
CITIES_FILE = DATA / "ru_cities_hflabs_2021.csv"

COLUMNS = [
    "osm_id",
    "name",
    "name_norm",
    "official_status",
    "osm_place",
    "oktmo_series",
    "region",
    "region_source",
    "municipal_district",
    "municipal_district_oktmo",
    "municipal_district_source",
    "settlement_municipality",
    "oktmo",
    "population_osm",
    "postcode",
    "name_en",
]
CITY_COLUMNS = [
    "city_type",
    "city",
    "settlement_type",
    "settlement",
    "region_type",
    "region",
    "area",
    "oktmo",
    "okato",
    "fias_id",
    "kladr_id",
    "geo_lat",
    "geo_lon",
    "population",
    "foundation_year",
    "capital_marker",
    "timezone",
]

BELGOROD = "Белгородская область"
KURSK = "Курская область"
VALUYKI = "Валуйский городской округ"


def row(osm_id, name, region="", oktmo="", district="", district_oktmo="", **extra):
    values = {
        "osm_id": osm_id,
        "name": name,
        "name_norm": name.lower(),
        "osm_place": "village",
        "region": region,
        "municipal_district": district,
        "municipal_district_oktmo": district_oktmo,
        "oktmo": oktmo,
    }
    values.update(extra)
    return values


# A small gazetteer with the real file's shapes: a duplicate point (same name and OKTMO code,
# written once with a type prefix), a nameless row, a row without region or code.
ROWS = [
    row(
        "node/10",
        "Никольское",
        BELGOROD,
        "14610440101",
        VALUYKI,
        "14610000",
        official_status="село",
        population_osm="812",
    ),
    row("node/11", "с. Никольское", BELGOROD, "14610440101", VALUYKI, "14610000"),
    row(
        "node/12",
        "Никольское",
        BELGOROD,
        "14615420111",
        "Вейделевский район",
        "14615000",
        official_status="хутор",
    ),
    row("node/20", "Никольское", KURSK, "38622416101", "Курский район", "38622000"),
    row("node/30", "", BELGOROD, "14610440102", VALUYKI, "14610000"),
    row("node/40", "Никольское", osm_place="hamlet", municipal_district="Кондинский район"),
    row("node/50", "Валуйки", BELGOROD, "14710000001", VALUYKI, "14610000", osm_place="town"),
]


def write_csv(path, rows, columns=COLUMNS, compress=False, encoding="utf-8"):
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    data = text.getvalue().encode(encoding)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def write_cities(path, rows):
    return write_csv(path, rows, columns=CITY_COLUMNS)


def snapshot():
    """Everything the import writes, to prove that a refused file changed nothing."""
    return (
        list(GazetteerSettlement.objects.order_by("pk").values_list()),
        list(District.objects.order_by("pk").values_list()),
    )


def entries():
    """The entries as values, with districts by name (their ids change between imports)."""
    return list(
        GazetteerSettlement.objects.order_by("osm_id").values_list(
            "name",
            "name_key",
            "kind",
            "osm_place",
            "region__name",
            "district__name",
            "district__oktmo",
            "district_name",
            "oktmo",
            "population",
            "osm_id",
        )
    )


@pytest.fixture
def regions(db):
    ensure_regions()


@pytest.fixture
def settlements_csv(tmp_path):
    return write_csv(tmp_path / "settlements.csv", ROWS)


# Importing ---------------------------------------------------------------------------------


def test_import_merges_duplicate_points_and_skips_nameless_rows(regions, settlements_csv):
    report = import_gazetteer(settlements_csv)

    assert report.rows == 7
    assert report.settlements == 5
    assert report.created == 5
    assert report.merged == 1
    assert report.skipped == 1
    assert report.examples["duplicate_point"] == [(3, "с. Никольское")]
    assert report.examples["no_name"] == [(6, "")]
    assert GazetteerSettlement.objects.count() == 5
    merged = GazetteerSettlement.objects.get(oktmo="14610440101")
    assert merged.name == "Никольское"
    assert merged.name_key == "никольское"
    assert merged.osm_id == "node/10"
    assert merged.population == 812
    assert merged.kind == SettlementKind.SELO
    assert merged.region.name == BELGOROD
    assert merged.district.name == VALUYKI
    assert merged.district.oktmo == "14610000"
    assert GazetteerSettlement.objects.get(osm_id="node/12").kind == SettlementKind.KHUTOR


def test_row_without_region_is_kept_and_flagged(regions, settlements_csv):
    report = import_gazetteer(settlements_csv)

    flagged = GazetteerSettlement.objects.needs_region().get()
    assert report.without_region == 1
    assert flagged.osm_id == "node/40"
    assert flagged.needs_region
    assert flagged.district is None
    assert flagged.district_name == "Кондинский район"
    assert not GazetteerSettlement.objects.get(osm_id="node/10").needs_region


def test_an_editor_completes_the_region_in_the_admin(regions, settlements_csv, admin_client):
    import_gazetteer(settlements_csv)
    flagged = GazetteerSettlement.objects.needs_region().get()
    url = reverse("wagtailsnippets_partnerships_gazetteersettlement:edit", args=[flagged.pk])
    form = admin_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    region = Region.objects.get(name="Ханты-Мансийский автономный округ — Югра")

    refused = admin_client.post(url, {**data, "region": region.pk, "latitude": "95"})
    assert refused.status_code == 200
    assert "latitude" in refused.context["form"].errors
    assert GazetteerSettlement.objects.get(pk=flagged.pk).region is None

    response = admin_client.post(url, {**data, "region": region.pk})
    assert response.status_code == 302
    assert GazetteerSettlement.objects.get(pk=flagged.pk).region == region


def test_gzip_file_imports_like_the_plain_one(regions, tmp_path):
    import_gazetteer(write_csv(tmp_path / "plain.csv", ROWS))
    plain = entries()
    GazetteerSettlement.objects.all().delete()
    District.objects.all().delete()

    report = import_gazetteer(write_csv(tmp_path / "packed.csv.gz", ROWS, compress=True))

    assert report.created == 5
    assert entries() == plain


def test_reimport_changes_nothing(regions, settlements_csv):
    import_gazetteer(settlements_csv)
    before = snapshot()

    report = import_gazetteer(settlements_csv)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert report.districts_created == 0
    assert snapshot() == before


def test_reimport_updates_in_place(regions, tmp_path):
    import_gazetteer(write_csv(tmp_path / "first.csv", ROWS))
    pk = GazetteerSettlement.objects.get(osm_id="node/20").pk
    changed = [dict(r, population_osm="1500") if r["osm_id"] == "node/20" else r for r in ROWS]

    report = import_gazetteer(write_csv(tmp_path / "second.csv", changed))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert GazetteerSettlement.objects.count() == 5
    assert GazetteerSettlement.objects.get(pk=pk).population == 1500


def test_reimport_keeps_the_region_an_editor_completed(regions, settlements_csv):
    import_gazetteer(settlements_csv)
    flagged = GazetteerSettlement.objects.needs_region().get()
    flagged.region = Region.objects.get(name="Ханты-Мансийский автономный округ — Югра")
    flagged.save()

    report = import_gazetteer(settlements_csv)

    assert report.updated == 0
    flagged.refresh_from_db()
    assert flagged.region.code == "718"
    assert not GazetteerSettlement.objects.needs_region().exists()


def test_rows_without_oktmo_are_told_apart_by_their_point(regions, tmp_path):
    """Without a code, two same-named points in one place may be two villages: never merged."""
    rows = [
        row("node/1", "Покровка", district="Советский район"),
        row("node/2", "Покровка", district="Советский район"),
    ]
    path = write_csv(tmp_path / "no-oktmo.csv", rows)

    first = import_gazetteer(path)
    second = import_gazetteer(path)

    assert first.created == 2
    assert (second.created, second.unchanged) == (0, 2)
    assert GazetteerSettlement.objects.filter(name_key="покровка").count() == 2


def test_a_point_that_gets_a_code_is_updated_not_duplicated(regions, tmp_path):
    import_gazetteer(write_csv(tmp_path / "before.csv", [row("node/7", "Пески")]))
    coded = [row("node/7", "Пески", BELGOROD, "14610440107", VALUYKI, "14610000")]

    report = import_gazetteer(write_csv(tmp_path / "after.csv", coded))

    assert (report.created, report.updated) == (0, 1)
    settlement = GazetteerSettlement.objects.get()
    assert (settlement.oktmo, settlement.region.name) == ("14610440107", BELGOROD)


def test_regions_are_resolved_by_other_spellings_and_by_oktmo_code(regions, tmp_path):
    rows = [
        row("node/1", "Берёзовка", "Кемеровская область", "32601000101"),
        row("node/2", "Дубки", "БЕЛГОРОДСКАЯ обл."),
        row("node/3", "Ивановка", "Неведомая земля"),
        row("node/4", "Липовка", "Неведомая земля", "38622416102"),
    ]

    report = import_gazetteer(write_csv(tmp_path / "regions.csv", rows))

    regions_by_osm = dict(GazetteerSettlement.objects.values_list("osm_id", "region__name"))
    assert regions_by_osm == {
        "node/1": "Кемеровская область — Кузбасс",
        "node/2": BELGOROD,
        "node/3": None,
        "node/4": KURSK,
    }
    assert report.reasons["unknown_region"] == 1
    assert report.examples["unknown_region"] == [(4, "Ивановка (Неведомая земля)")]
    assert report.without_region == 1


def test_cities_get_coordinates_matched_on_oktmo_and_name(regions, settlements_csv, tmp_path):
    cities = write_cities(
        tmp_path / "cities.csv",
        [
            {"city": "Валуйки", "oktmo": "14710000001", "geo_lat": "50.2111", "geo_lon": "38.1"},
            # Same code as the village of Никольское, but another name: not joined.
            {"city": "Другой", "oktmo": "14610440101", "geo_lat": "51.0", "geo_lon": "37.0"},
        ],
    )

    report = import_gazetteer(settlements_csv, cities_path=cities)

    assert report.with_coordinates == 1
    town = GazetteerSettlement.objects.get(name="Валуйки")
    assert (str(town.latitude), str(town.longitude)) == ("50.211100", "38.100000")
    assert town.source == "osm_hflabs"
    assert GazetteerSettlement.objects.get(oktmo="14610440101").latitude is None
    assert import_gazetteer(settlements_csv, cities_path=cities).unchanged == 5
    # Coordinates stay when the file is imported again without the cities.
    assert import_gazetteer(settlements_csv).unchanged == 5
    town.refresh_from_db()
    assert town.latitude is not None
    assert town.source == "osm_hflabs"


def test_dry_run_reports_and_writes_nothing(regions, settlements_csv):
    report = import_gazetteer(settlements_csv, dry_run=True)

    assert (report.created, report.merged, report.skipped) == (5, 1, 1)
    assert report.districts_created == 3
    assert not GazetteerSettlement.objects.exists()
    assert not District.objects.exists()


def test_command_shows_progress_and_what_it_merged_and_skipped(regions, settlements_csv):
    out = io.StringIO()

    call_command("partnerships_import_gazetteer", str(settlements_csv), stdout=out)

    output = out.getvalue()
    assert "Прочитано строк: 7" in output
    assert "Записано: 5 из 5" in output
    assert "добавлено: 5" in output
    assert "повтор точки" in output
    assert "строка 3: с. Никольское" in output
    assert "нет названия" in output
    assert GazetteerSettlement.objects.count() == 5


# Broken files ------------------------------------------------------------------------------


def missing_column(tmp_path):
    columns = [column for column in COLUMNS if column != "oktmo"]
    rows = [{k: v for k, v in r.items() if k != "oktmo"} for r in ROWS]
    return write_csv(tmp_path / "columns.csv", rows, columns=columns)


def wrong_encoding(tmp_path):
    return write_csv(tmp_path / "cp1251.csv", ROWS, encoding="cp1251")


def truncated_gzip(tmp_path):
    packed = write_csv(tmp_path / "full.csv.gz", ROWS * 200, compress=True).read_bytes()
    path = tmp_path / "truncated.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])
    return path


def corrupt_gzip(tmp_path):
    packed = bytearray(write_csv(tmp_path / "full.csv.gz", ROWS * 200, compress=True).read_bytes())
    packed[len(packed) // 2 : len(packed) // 2 + 64] = b"\x00" * 64
    path = tmp_path / "corrupt.csv.gz"
    path.write_bytes(bytes(packed))
    return path


def truncated_plain(tmp_path):
    data = write_csv(tmp_path / "full.csv", ROWS).read_bytes()
    path = tmp_path / "truncated.csv"
    path.write_bytes(data[: data.rindex(b"node/50") + 20])
    return path


def missing_file(tmp_path):
    return tmp_path / "nowhere.csv"


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (missing_column, "нет нужных столбцов: oktmo"),
        (wrong_encoding, "не в кодировке UTF-8"),
        (truncated_gzip, "повреждён или обрезан"),
        (corrupt_gzip, "повреждён или обрезан"),
        (truncated_plain, "полей вместо 16"),
        (missing_file, "Не удалось прочитать файл"),
    ],
)
def test_broken_file_is_refused_and_changes_nothing(
    regions, settlements_csv, tmp_path, make_file, message
):
    import_gazetteer(settlements_csv)
    before = snapshot()
    path = make_file(tmp_path)

    with pytest.raises(GazetteerFileError, match=message):
        import_gazetteer(path)
    with pytest.raises(CommandError, match=message):
        call_command("partnerships_import_gazetteer", str(path), stdout=io.StringIO())

    assert snapshot() == before


def test_broken_cities_file_is_refused_before_anything_is_written(
    regions, settlements_csv, tmp_path
):
    cities = write_csv(tmp_path / "cities.csv", [{"oktmo": "1"}], columns=["oktmo", "lat"])

    with pytest.raises(GazetteerFileError, match="geo_lat"):
        import_gazetteer(settlements_csv, cities_path=cities)

    assert not GazetteerSettlement.objects.exists()


# The one normalisation, on the real file's oddities -----------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("с. Никольское", "никольское"),
        ("пос.Октябрьский", "октябрьский"),
        ("Ново-Никольское", "ново никольское"),
        ("НИКОЛЬСКОЕ (Белгородский р-н)", "никольское"),
        ("Слободка", "слободка"),
        ("Совкино (Ближнее)", "совкино"),
        ("Усконицы (нежил.)", "усконицы"),
        ("Вологда-20 (в/ч 25594)", "вологда 20"),
        ("Хрущёво-Подлесное", "хрущево подлесное"),
        ("1-е Мая", "1 е мая"),
        ("Дома 1189 км", "дома 1189 км"),
        ("Починок (5км)", "починок 5 км"),
        ("Брянский (157 км)", "брянский 157 км"),
        ('учхоз "Громок"', "учхоз громок"),
        ("посёлок совхоза «Ильинский»", "совхоза ильинский"),
    ],
)
def test_real_names_normalise(written, key):
    assert normalise_name(written) == key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Участок №4", "Участок № 4"),
        ("Львовский №5", "Львовский № 5"),
        ("имени В.И. Ленина", "имени В. И. Ленина"),
        ("Фабрики им. 1 мая", "Фабрики имени 1 мая"),
        ("ДО Кcтининский", "ДО Кстининский"),  # a Latin «c» inside the first
        ("Челутай (3 км)", "Челутай 3 км"),
        ("Дугинка II", "Дугинка  II"),
        ("Ивановка\xa0Вторая", "Ивановка Вторая"),
    ],
)
def test_real_spelling_variants_are_one_name(one, other):
    assert normalise_name(one) == normalise_name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # Two villages under one OKTMO code in the file, told apart only by the distance.
        ("Починок (5км)", "Починок (7км)"),
        ("Губино (34км)", "Губино (19км)"),
        ("Челутай (3 км)", "Челутай"),
        ("Дугинка I", "Дугинка II"),
    ],
)
def test_real_names_that_differ_stay_different(one, other):
    assert normalise_name(one) != normalise_name(other)


# Namesake clusters -------------------------------------------------------------------------


@pytest.fixture
def gazetteer(hub, settlements_csv):
    import_gazetteer(settlements_csv)


def test_namesake_cluster_groups_by_region_with_the_hub_libraries(gazetteer, cooperation):
    kursk_page = cooperation.settlements[1]
    kursk_page.oktmo = "38622416101"
    kursk_page.save()

    cluster = namesake_cluster("с. НИКОЛЬСКОЕ")

    assert GazetteerSettlement.objects.namesakes_of("с. НИКОЛЬСКОЕ").count() == 4
    assert cluster.name_key == "никольское"
    assert (cluster.settlements_count, cluster.regions_count) == (4, 2)
    assert cluster.without_region_count == 1
    assert [group.region.name if group.region else None for group in cluster.groups] == [
        BELGOROD,
        KURSK,
        None,
    ]
    assert [group.count for group in cluster.groups] == [2, 1, 1]
    assert cluster.cooperation == cooperation.page
    kursk = cluster.groups[1].namesakes[0]
    assert kursk.page == kursk_page
    assert [library.pk for library in kursk.libraries] == [cooperation.libraries[1].pk]
    assert [c.pk for c in kursk.cooperations] == [cooperation.page.pk]
    # Two Никольское in Belgorod oblast and a page without a code: the page cannot be placed.
    assert not any(namesake.in_hub for namesake in cluster.groups[0].namesakes)
    assert [page.pk for page in cluster.unmatched_pages] == [cooperation.settlements[0].pk]
    assert cluster.in_hub_count == 1


def test_namesake_cluster_takes_a_fixed_number_of_queries(
    gazetteer, cooperation, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        cluster = namesake_cluster("Никольское")
        for group in cluster.groups:
            for namesake in group.namesakes:
                str(namesake.settlement.region)
                str(namesake.settlement.district)
                [library.title for library in namesake.libraries]
                [c.title for c in namesake.cooperations]


def test_namesake_cluster_of_an_unknown_name_is_empty(gazetteer):
    cluster = namesake_cluster("Тридесятое")

    assert cluster.settlements_count == 0
    assert cluster.groups == []
    assert cluster.cooperation is None


# The real gazetteer ------------------------------------------------------------------------


@pytest.mark.skipif(not SETTLEMENTS_FILE.exists(), reason=f"{SETTLEMENTS_FILE} is not here")
def test_full_gazetteer_imports_with_the_acceptance_figures(hub):
    # Its speed is the benchmark's to measure (bench/run.py), not a test's.
    report = import_gazetteer(SETTLEMENTS_FILE, cities_path=CITIES_FILE)
    assert report.rows == 149_772
    assert report.merged == 1_844
    assert report.skipped == 0
    assert GazetteerSettlement.objects.count() == 147_928
    assert GazetteerSettlement.objects.needs_region().count() == 1_517
    assert GazetteerSettlement.objects.exclude(latitude=None).count() == report.with_coordinates
    assert report.with_coordinates > 1_000

    cluster = namesake_cluster("Никольское")
    assert cluster.settlements_count == 227
    assert cluster.regions_count == 48
    assert cluster.without_region_count == 1

    # Belgorod oblast: 1,275 names, 690 of which occur in other regions (689 by the provenance's
    # plainer normalisation, which keeps «Сторожевое-Первое» and «Сторожевое Первое» apart).
    belgorod = Region.objects.get(code="14")
    in_belgorod = GazetteerSettlement.objects.filter(region=belgorod)
    assert in_belgorod.values("name_key").distinct().count() == 1_275
    assert GazetteerSettlement.objects.shared_names(belgorod).count() == 690

    before = GazetteerSettlement.objects.count(), District.objects.count()
    again = import_gazetteer(SETTLEMENTS_FILE, cities_path=CITIES_FILE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 147_928)
    assert again.districts_created == 0
    assert (GazetteerSettlement.objects.count(), District.objects.count()) == before
