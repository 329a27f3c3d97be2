"""A page costs a bounded number of SQL queries that does not grow with what it lists.

Each test renders a page with a few items, adds many more, renders it again, and demands the
same count both times (and at most MAX_QUERIES). Each count is taken on a second request, so that
image renditions made by the first one are not counted. Renditions are not cached here, so that
looking them up one image at a time (an N+1 a warm cache would hide) shows in the count.
"""

from datetime import date, timedelta

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships.choices import MembershipChangeKind
from partnerships.factories import (
    ChronicleFactory,
    CooperationFactory,
    DistrictFactory,
    EventFactory,
    LibraryFactory,
    ProgramFactory,
    PublicationFactory,
    SettlementFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from partnerships.models import MembershipChange, Region

MAX_QUERIES = 20
SMALL, LARGE = 3, 15  # listings
FEW, MANY = 2, 12  # what one page shows of its own


@pytest.fixture(autouse=True)
def no_rendition_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


@pytest.fixture
def measure(client, django_assert_max_num_queries):
    def run(url):
        assert client.get(url).status_code == 200  # makes the renditions
        with django_assert_max_num_queries(MAX_QUERIES):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
        assert response.status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    return run


def assert_same_cost(small, large):
    extra = [sql for sql in large if sql not in small]
    assert len(large) == len(small), (
        f"{len(small)} queries with a few items, {len(large)} with many; new ones:\n"
        + "\n".join(extra[:10])
    )


def image(title):
    return wagtail_factories.ImageFactory(title=title)


def regions(count):
    return list(Region.objects.exclude(code="14").order_by("code")[:count])


def namesake_libraries(name, count, start=0):
    """`count` libraries in settlements called `name`, each in its own region."""
    libraries = []
    for index, region in enumerate(regions(start + count)[start:], start=start):
        # Each with a district: the namesake cards show it, which once cost a query per card.
        settlement = SettlementFactory(
            name=name,
            title=f"{name} ({region.name})",
            region=region,
            district=DistrictFactory(region=region, name=f"Район {index}"),
            image=image(f"село {index}"),
        )
        libraries.append(
            LibraryFactory(
                parent=settlement,
                title=f"Библиотека {name} № {index:02d}",
                image=image(f"б {index}"),
            )
        )
    return libraries


def join(cooperation, libraries, on=date(2022, 3, 1)):
    for library in libraries:
        MembershipChange.objects.create(
            cooperation=cooperation, library=library, kind=MembershipChangeKind.JOIN, date=on
        )
    cooperation.save()


# --- Hub listings: 3 items, then 15 -----------------------------------------------------------


def add_cooperations(start, count):
    for index in range(start, start + count):
        name = f"Тёзкино-{index:02d}"
        cooperation = CooperationFactory(
            settlement_name=name, title=f"Содружество «{name}»", emblem=image(f"эмблема {index}")
        )
        join(cooperation, namesake_libraries(name, 2))


def test_cooperation_index(hub, measure):
    add_cooperations(0, SMALL)
    small = measure(hub.cooperations.url)
    add_cooperations(SMALL, LARGE - SMALL)
    assert_same_cost(small, measure(hub.cooperations.url))


def test_settlement_index(hub, measure):
    namesake_libraries("Сосновка", SMALL)
    small = measure(hub.settlements.url)
    namesake_libraries("Сосновка", LARGE - SMALL, start=SMALL)
    assert_same_cost(small, measure(hub.settlements.url))


def add_events(cooperation, count, libraries=(), offset=0, past=False):
    now = timezone.now()
    sign = -1 if past else 1
    return [
        EventFactory(
            parent=cooperation,
            title=f"{'Прошедшая' if past else 'Будущая'} встреча № {offset + n:02d}",
            starts_at=now + sign * timedelta(days=offset + n + 1),
            venue_library=libraries[0] if libraries else None,
            partner_libraries=list(libraries),
            image=image(f"мероприятие {offset + n}"),
        )
        for n in range(count)
    ]


def test_event_index(hub, cooperation, measure):
    add_events(cooperation.page, SMALL, cooperation.libraries)
    small = measure(hub.events.url)
    add_events(cooperation.page, LARGE - SMALL, cooperation.libraries, offset=SMALL)
    assert_same_cost(small, measure(hub.events.url))


def add_publications(cooperation, count, libraries=(), offset=0):
    return [
        PublicationFactory(
            parent=cooperation,
            title=f"Сборник № {offset + n:02d}",
            year=2024,
            cover=image(f"обложка {offset + n}"),
            document=wagtail_factories.DocumentFactory(title=f"Сборник {offset + n}"),
            partner_libraries=list(libraries),
        )
        for n in range(count)
    ]


def test_publication_index(hub, cooperation, measure):
    add_publications(cooperation.page, SMALL, cooperation.libraries)
    small = measure(hub.publications.url)
    add_publications(cooperation.page, LARGE - SMALL, cooperation.libraries, offset=SMALL)
    assert_same_cost(small, measure(hub.publications.url))


def add_activity(cooperation, count, libraries, offset=0):
    add_events(cooperation, count, libraries, offset=offset)
    add_events(cooperation, count, libraries, offset=offset, past=True)
    add_publications(cooperation, count, libraries, offset=offset)
    for n in range(offset, offset + count):
        ProgramFactory(
            parent=cooperation, title=f"Программа № {n:02d}", partner_libraries=libraries
        )
        ChronicleFactory(
            parent=cooperation,
            title=f"Новость № {n:02d}",
            date=date(2024, 1, 1) + timedelta(days=n),
            image=image(f"новость {n}"),
            partner_libraries=libraries,
        )
        WorkPlanFactory(parent=cooperation, year=2000 + n, title=f"План на {2000 + n} год")


def test_home_page(hub, cooperation, measure):
    add_activity(cooperation.page, SMALL, cooperation.libraries)
    small = measure(hub.home.url)
    add_activity(cooperation.page, LARGE - SMALL, cooperation.libraries, offset=SMALL)
    add_cooperations(0, 3)
    assert_same_cost(small, measure(hub.home.url))


# --- One page and what it shows of its own: 2, then 12 ------------------------------------------


def test_cooperation_page(hub, measure):
    page = CooperationFactory(
        settlement_name="Сосновка", title="Содружество «Сосновка»", emblem=image("эмблема")
    )
    libraries = namesake_libraries("Сосновка", FEW)
    join(page, libraries)
    add_activity(page, FEW, libraries)
    small = measure(page.url)

    more = namesake_libraries("Сосновка", MANY - FEW, start=FEW)
    join(page, more, on=date(2023, 1, 1))
    MembershipChange.objects.create(
        cooperation=page, library=more[0], kind=MembershipChangeKind.LEAVE, date=date(2024, 1, 1)
    )
    add_activity(page, MANY - FEW, libraries + more, offset=FEW)
    assert_same_cost(small, measure(page.url))


def test_settlement_page(hub, belgorod, measure):
    settlement = SettlementFactory(
        name="Сосновка", title="Сосновка (Белгородская)", region=belgorod
    )
    LibraryFactory.create_batch(FEW, parent=settlement)
    namesake_libraries("Сосновка", FEW)
    CooperationFactory(settlement_name="Сосновка", title="Содружество «Сосновка»")
    small = measure(settlement.url)
    LibraryFactory.create_batch(MANY - FEW, parent=settlement)
    namesake_libraries("Сосновка", MANY - FEW, start=FEW)
    assert_same_cost(small, measure(settlement.url))


def test_library_page(cooperation, measure):
    library = cooperation.libraries[0]
    add_events(cooperation.page, FEW, cooperation.libraries)
    add_events(cooperation.page, FEW, cooperation.libraries, past=True)
    small = measure(library.url)
    add_events(cooperation.page, MANY - FEW, cooperation.libraries, offset=FEW)
    add_events(cooperation.page, MANY - FEW, cooperation.libraries, offset=FEW, past=True)
    assert_same_cost(small, measure(library.url))


@pytest.mark.parametrize(
    "factory", [EventFactory, ProgramFactory, PublicationFactory, ChronicleFactory]
)
def test_joint_item_with_partner_libraries(hub, measure, factory):
    cooperation = CooperationFactory(settlement_name="Сосновка", title="Содружество «Сосновка»")
    libraries = namesake_libraries("Сосновка", MANY)
    join(cooperation, libraries)
    item = factory(parent=cooperation, partner_libraries=libraries[:FEW])
    small = measure(item.url)
    item.partner_libraries = libraries
    item.save()
    assert_same_cost(small, measure(item.url))


def test_work_plan_page(cooperation, measure):
    plan = WorkPlanFactory(parent=cooperation.page, year=2025, title="План на 2025 год")

    def add_items(start, count):
        for n in range(start, start + count):
            WorkPlanItemFactory(
                plan=plan,
                title=f"Пункт плана № {n:02d}",
                starts_on=date(2025, 1, 1) + timedelta(days=7 * n),
                responsible_library=cooperation.libraries[n % 2],
                sort_order=n,
            )

    add_items(0, FEW)
    small = measure(plan.url)
    add_items(FEW, MANY - FEW)
    assert_same_cost(small, measure(plan.url))
