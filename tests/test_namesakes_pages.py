"""The namesake pages: the cluster of one name, the partner finder and its suggestions."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import District, GazetteerSettlement
from partnerships.views import FINDER_LIMIT, SUGGEST_LIMIT, _matching, russian_plural

pytestmark = pytest.mark.django_db

OSM_CREDIT = "© участники OpenStreetMap, ODbL 1.0"


def cluster_url(name):
    return reverse("partnerships:cluster", args=[name])


@pytest.fixture
def belgorod_districts(belgorod):
    return {
        name: District.objects.create(region=belgorod, name=name)
        for name in ("Белгородский район", "Валуйский округ", "Шебекинский округ")
    }


@pytest.fixture
def nikolskoye(cooperation, belgorod, kursk, belgorod_districts):
    """Three «Никольское» in Belgorod oblast (told apart by district), one in Kursk oblast."""
    rows = [
        GazetteerSettlement.objects.create(
            name="Никольское",
            kind="selo",
            region=belgorod,
            district=district,
            population=population,
            latitude=Decimal("50.5") + index,
            longitude=Decimal("36.5") + index,
        )
        for index, (district, population) in enumerate(
            zip(belgorod_districts.values(), (1843, 412, 97), strict=True)
        )
    ]
    rows.append(
        GazetteerSettlement.objects.create(
            name="Никольское", kind="selo", region=kursk, district_name="Курский район"
        )
    )
    home, other = cooperation.settlements
    home.gazetteer = rows[0]
    home.save_revision().publish()
    other.gazetteer = rows[3]
    other.save_revision().publish()
    return rows


@pytest.fixture
def alekseyevka(hub, belgorod, kursk):
    """A two-settlement cluster with nothing in the hub."""
    return [
        GazetteerSettlement.objects.create(name="Алексеевка", region=belgorod),
        GazetteerSettlement.objects.create(name="Алексеевка", region=kursk),
    ]


def test_russian_plural_forms():
    forms = ("пункт", "пункта", "пунктов")
    assert [russian_plural(n, *forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 111, 227)] == [
        "пункт",
        "пункта",
        "пунктов",
        "пунктов",
        "пунктов",
        "пункт",
        "пункта",
        "пунктов",
        "пунктов",
        "пунктов",
    ]


def test_cluster_page_heading_groups_links_and_credit(client, nikolskoye, cooperation):
    response = client.get(cluster_url("Никольское"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Никольское: 4 населённых пункта в 2 регионах" in content
    # Regions are grouped, each once as a heading, in alphabetical order.
    regions = re.findall(r'<h3 id="region-\d+">([^<]+) <span class="muted">\((\d+)\)', content)
    assert regions == [("Белгородская область", "3"), ("Курская область", "1")]
    # Districts, population, libraries and the cooperation are all there.
    for district in ("Белгородский район", "Валуйский округ", "Шебекинский округ", "Курский район"):
        assert district in content
    assert "<td>1\u00a0843</td>" in content
    for library in cooperation.libraries:
        assert f'href="{library.url}"' in content
    assert f'href="{cooperation.page.url}"' in content
    assert f'href="{cooperation.settlements[0].url}"' in content
    assert OSM_CREDIT in content
    # Map data for the four settlements with coordinates: three of them have some.
    assert 'id="namesake-map-points"' in content
    assert content.count('"lat":') == 3
    assert "partnerships/vendor/leaflet/leaflet.js" in content
    assert "tile.openstreetmap" not in content


def test_cluster_page_singular_forms(client, hub, belgorod):
    GazetteerSettlement.objects.create(name="Красная Яруга", region=belgorod)

    response = client.get(cluster_url("красная яруга"))

    assert response.status_code == 200
    assert "Красная Яруга: 1 населённый пункт в 1 регионе" in response.content.decode()


def test_cluster_page_by_name_key_and_written_name_agree(client, nikolskoye):
    by_key = client.get(cluster_url("никольское"))
    by_name = client.get(cluster_url("с. Никольское"))

    assert by_key.status_code == by_name.status_code == 200
    assert by_key.context["heading"] == by_name.context["heading"]


def test_unknown_name_is_a_friendly_404(client, hub):
    response = client.get(cluster_url("Нигдеевка"))

    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@pytest.mark.parametrize("name", ["...", "x" * 5000, "%00", "«»"])
def test_odd_names_never_500(client, hub, name):
    response = client.get(f"/tezki/{name}/")

    assert response.status_code == 404


def test_settlement_and_cooperation_pages_link_to_the_cluster(client, nikolskoye, cooperation):
    url = cluster_url("никольское")

    for page in (cooperation.settlements[0], cooperation.page):
        response = client.get(page.url)
        assert response.status_code == 200
        assert f'href="{url}"' in response.content.decode()


def test_finder_form_without_js_lists_matches_told_apart(client, nikolskoye):
    response = client.get(reverse("partnerships:finder"), {"q": "никол"})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="q"' in content
    for row in nikolskoye:
        assert f'href="?settlement={row.pk}"' in content
    for district in ("Белгородский район", "Валуйский округ", "Шебекинский округ"):
        assert f"Никольское</a> — {district}, Белгородская область" in content


def test_finder_empty_form(client, hub):
    response = client.get(reverse("partnerships:finder"))

    assert response.status_code == 200
    assert "Найти тёзок" in response.content.decode()
    assert "Выберите свой населённый пункт" not in response.content.decode()


def test_finder_no_matches(client, hub):
    response = client.get(reverse("partnerships:finder"), {"q": "Нигдеевка"})

    assert response.status_code == 200
    assert "нет населённых пунктов с таким названием" in response.content.decode()


def test_finder_choice_shows_the_cluster(client, nikolskoye, cooperation):
    chosen = nikolskoye[1]

    response = client.get(reverse("partnerships:finder"), {"settlement": chosen.pk})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Никольское: 4 населённых пункта в 2 регионах" in content
    assert "Вы выбрали: Никольское, Валуйский округ, Белгородская область" in content
    assert content.count('class="is-current"') == 1
    assert f'href="{cooperation.page.url}"' in content
    assert OSM_CREDIT in content
    assert "/admin/" not in content


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"settlement": "abc"}, 400),
        ({"settlement": ""}, 400),
        ({"settlement": "-1"}, 400),
        ({"settlement": "²"}, 400),
        ({"settlement": "1 OR 1=1"}, 400),
        ({"settlement": "9" * 40}, 400),
        ({"settlement": "999999"}, 404),
        ({"q": "Н" * 5000}, 400),
        ({"q": "   "}, 200),
        ({"q": "%"}, 200),
        ({"q": "_"}, 200),
    ],
)
def test_finder_bad_params_never_500(client, nikolskoye, params, status):
    response = client.get(reverse("partnerships:finder"), params)

    assert response.status_code == status


def test_finder_offers_editor_links(admin_client, nikolskoye, alekseyevka, hub, cooperation):
    with_cooperation = admin_client.get(
        reverse("partnerships:finder"), {"settlement": nikolskoye[0].pk}
    )
    without = admin_client.get(reverse("partnerships:finder"), {"settlement": alekseyevka[0].pk})

    assert f"/admin/pages/{cooperation.page.pk}/edit/" in with_cooperation.content.decode()
    add_url = f"/admin/pages/add/partnerships/cooperationpage/{hub.cooperations.pk}/"
    assert add_url in without.content.decode()
    assert "Начать содружество «Алексеевка»" in without.content.decode()


def test_suggest_shape_and_namesakes_told_apart(client, nikolskoye, alekseyevka):
    response = client.get(reverse("partnerships:suggest"), {"q": "Ник"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 4
    assert set(results[0]) == {"id", "name", "kind", "region", "district", "url"}
    places = {(row["region"], row["district"]) for row in results}
    assert places == {
        ("Белгородская область", "Белгородский район"),
        ("Белгородская область", "Валуйский округ"),
        ("Белгородская область", "Шебекинский округ"),
        ("Курская область", "Курский район"),
    }
    assert all(row["name"] == "Никольское" for row in results)
    assert results[0]["url"] == f"/tezki/?settlement={results[0]['id']}"


def test_suggest_is_limited_to_ten(client, hub, belgorod):
    GazetteerSettlement.objects.bulk_create(
        GazetteerSettlement(name=f"Покровка {n}", name_key=f"покровка {n}", region=belgorod)
        for n in range(15)
    )

    response = client.get(reverse("partnerships:suggest"), {"q": "покровка"})

    assert len(response.json()["results"]) == 10


@pytest.mark.parametrize(
    ("query", "status"), [("", 200), ("   ", 200), ("Ё" * 500, 400), ("%_", 200)]
)
def test_suggest_bad_params_never_500(client, hub, query, status):
    response = client.get(reverse("partnerships:suggest"), {"q": query})

    assert response.status_code == status
    assert response.json()["results"] == []


def test_query_count_is_bounded_for_small_and_large_clusters(
    client, django_assert_max_num_queries, nikolskoye, alekseyevka, belgorod, kursk
):
    with django_assert_max_num_queries(20):
        small = client.get(cluster_url("Алексеевка"))
    GazetteerSettlement.objects.bulk_create(
        GazetteerSettlement(
            name="Никольское",
            name_key="никольское",
            region=region,
            district_name=f"Район {n}",
            latitude=Decimal("52.0"),
            longitude=Decimal("38.0"),
        )
        for n in range(120)
        for region in (belgorod, kursk)
    )
    with django_assert_max_num_queries(20):
        large = client.get(cluster_url("Никольское"))

    assert small.status_code == large.status_code == 200
    assert "Никольское: 244 населённых пункта в 2 регионах" in large.content.decode()


def test_finder_links_to_the_cluster_and_says_when_it_shows_only_some(client, hub, belgorod):
    GazetteerSettlement.objects.bulk_create(
        GazetteerSettlement(name="Ивановка", name_key="ивановка", region=belgorod)
        for _ in range(FINDER_LIMIT + 5)
    )

    response = client.get(reverse("partnerships:finder"), {"q": "Ивановка"})

    content = response.content.decode()
    assert content.count("?settlement=") == FINDER_LIMIT
    assert f"Показаны первые {FINDER_LIMIT}" in content
    assert f'href="{cluster_url("ивановка")}"' in content


def test_finder_shows_no_cluster_link_for_a_mere_prefix(client, nikolskoye):
    response = client.get(reverse("partnerships:finder"), {"q": "Никол"})

    content = response.content.decode()
    assert content.count("?settlement=") == len(nikolskoye)
    assert f'href="{cluster_url("никольское")}"' not in content
    assert "Показаны первые" not in content


def test_suggest_prefix_is_served_by_the_name_key_index():
    if connection.vendor != "sqlite":
        pytest.skip("the query plan below is SQLite's")
    with CaptureQueriesContext(connection) as captured:
        _matching("никол", SUGGEST_LIMIT)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + captured.captured_queries[0]["sql"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "SEARCH partnerships_gazetteersettlement USING INDEX" in plan
    assert "name_key>? AND name_key<?" in plan


def test_home_page_counts_namesakes_of_cooperations(client, hub, nikolskoye, alekseyevka):
    response = client.get(hub.home.url)

    content = response.content.decode()
    figures = dict(
        re.findall(r'figure__label">([^<]+)</span> <span class="figure__value">(\d+)', content)
    )
    # Four «Никольское» share the cooperation's name; «Алексеевка» has no cooperation.
    assert figures["Тёзок содружеств в справочнике"] == "4"
    assert figures["Регионов, где они есть"] == "2"
    assert f'href="{reverse("partnerships:finder")}"' in content
