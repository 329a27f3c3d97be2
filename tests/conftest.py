"""Shared fixtures: the installed hub, two regions, a small cooperation and an admin."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from partnerships.factories import (
    ChronicleFactory,
    CooperationFactory,
    EventFactory,
    LibraryFactory,
    ProgramFactory,
    PublicationFactory,
    SettlementFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from partnerships.models import (
    CooperationIndexPage,
    EventIndexPage,
    PublicationIndexPage,
    Region,
    SettlementIndexPage,
)
from partnerships.setup import install, section

BELGOROD_CODE = "14"
KURSK_CODE = "38"


@pytest.fixture
def hub(db):
    """The hub installed into the default site that the home migration creates."""
    install()
    site = Site.objects.get(is_default_site=True)
    return SimpleNamespace(
        site=site,
        home=site.root_page.specific,
        cooperations=section(CooperationIndexPage),
        settlements=section(SettlementIndexPage),
        events=section(EventIndexPage),
        publications=section(PublicationIndexPage),
    )


@pytest.fixture
def belgorod(hub):
    """Белгородская область, the home region of the regulation (§1.2)."""
    return Region.objects.get(code=BELGOROD_CODE)


@pytest.fixture
def kursk(hub):
    return Region.objects.get(code=KURSK_CODE)


@pytest.fixture
def cooperation(hub, belgorod, kursk):
    """«Никольское»: one library in Belgorod oblast, one in Kursk oblast, both parties."""
    home_village = SettlementFactory(
        name="Никольское", title="Никольское (Белгородская область)", region=belgorod
    )
    other_village = SettlementFactory(
        name="Никольское", title="Никольское (Курская область)", region=kursk
    )
    libraries = [
        LibraryFactory(parent=home_village, title="Никольская сельская библиотека"),
        LibraryFactory(parent=other_village, title="Никольская библиотека-филиал"),
    ]
    page = CooperationFactory(
        settlement_name="Никольское", title="Содружество «Никольское»", members=libraries
    )
    return SimpleNamespace(
        page=page, libraries=libraries, settlements=[home_village, other_village]
    )


@pytest.fixture
def joint_content(cooperation):
    """One page of each kind of joint work in the cooperation, with Russian titles."""
    page = cooperation.page
    members = cooperation.libraries
    plan = WorkPlanFactory(
        parent=page, year=2025, title="План совместной работы на 2025 год", slug="plan-2025"
    )
    WorkPlanItemFactory(plan=plan, title="Краеведческие чтения", starts_on=date(2025, 4, 20))
    return SimpleNamespace(
        event=EventFactory(
            parent=page,
            title="Семинар «Краеведение в сельской библиотеке»",
            venue_library=members[0],
            partner_libraries=members,
        ),
        program=ProgramFactory(
            parent=page, title="Программа «Читаем вместе»", partner_libraries=members
        ),
        publication=PublicationFactory(
            parent=page, title="Сборник «Никольские страницы»", year=2024
        ),
        plan=plan,
        chronicle=ChronicleFactory(
            parent=page, title="Библиотеки подписали Соглашение", date=date(2022, 3, 1)
        ),
    )


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="admin", email="admin@example.org", password="admin-password"
    )


@pytest.fixture
def admin_client(client, superuser):
    """The test client, logged in as the hub administrator."""
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached figures must not leak from one test's content into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
