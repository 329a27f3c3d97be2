"""Factories for the hub's content, shared by the demo-content command, the benchmark and tests."""

from datetime import date, timedelta

import factory
import wagtail_factories
from anyascii import anyascii
from django.utils import timezone
from django.utils.text import slugify

from . import choices
from .models import (
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
from .setup import section
from .teams import (
    hub_admins_group,
    provision_cooperation,
    provision_library,
    sync_membership_rights,
)


def latin_slug(text):
    return slugify(anyascii(text).replace("'", ""))[:80] or "page"


class RegionFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"{200 + n}")
    name = factory.Sequence(lambda n: f"Регион {n}")

    class Meta:
        model = Region
        django_get_or_create = ["code"]


class DistrictFactory(factory.django.DjangoModelFactory):
    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Район {n}")

    class Meta:
        model = District
        django_get_or_create = ["region", "name"]


class SettlementFactory(wagtail_factories.PageFactory):
    parent = factory.LazyFunction(lambda: section(SettlementIndexPage))
    name = "Никольское"
    title = factory.LazyAttribute(lambda o: f"{o.name} ({o.region.name})")
    slug = factory.Sequence(lambda n: f"settlement-{n}")
    region = factory.SubFactory(RegionFactory)
    kind = choices.SettlementKind.SELO

    class Meta:
        model = SettlementPage


class LibraryFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory(SettlementFactory)
    title = factory.Sequence(lambda n: f"Сельская библиотека № {n}")
    slug = factory.Sequence(lambda n: f"library-{n}")
    affiliation = choices.LibraryAffiliation.MUNICIPAL
    ownership = choices.OwnershipForm.MUNICIPAL

    class Meta:
        model = LibraryPage


class CooperationFactory(wagtail_factories.PageFactory):
    """A cooperation; `members=[library, …]` makes them parties from the signing date."""

    parent = factory.LazyFunction(lambda: section(CooperationIndexPage))
    settlement_name = "Никольское"
    title = factory.LazyAttribute(lambda o: f"Содружество «{o.settlement_name}»")
    slug = factory.LazyAttribute(lambda o: latin_slug(o.settlement_name))
    agreement_signed_on = date(2022, 3, 1)

    class Meta:
        model = CooperationPage
        skip_postgeneration_save = True

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if not extracted or not create:
            return
        MembershipChange.objects.bulk_create(
            MembershipChange(
                cooperation=obj,
                library=library,
                kind=choices.MembershipChangeKind.JOIN,
                date=obj.agreement_signed_on or date.today(),
            )
            for library in extracted
        )
        sync_membership_rights(obj)


class EventFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory(CooperationFactory)
    title = factory.Sequence(lambda n: f"Межрегиональный семинар № {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = choices.EventKind.SEMINAR
    format = choices.EventFormat.OFFLINE
    venue_address = "Читальный зал библиотеки"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    class Meta:
        model = EventPage


class ProgramFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory(CooperationFactory)
    title = factory.Sequence(lambda n: f"Программа «Читаем вместе» № {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    starts_on = date(2024, 1, 15)

    class Meta:
        model = ProgramPage


class PublicationFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory(CooperationFactory)
    title = factory.Sequence(lambda n: f"Сборник краеведческих статей № {n}")
    slug = factory.Sequence(lambda n: f"publication-{n}")
    kind = choices.PublicationKind.COLLECTION
    year = 2024

    class Meta:
        model = PublicationPage


class WorkPlanFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory(CooperationFactory)
    year = factory.Sequence(lambda n: 2000 + n % 90)
    title = factory.LazyAttribute(lambda o: f"План совместной работы на {o.year} год")
    slug = factory.LazyAttribute(lambda o: f"plan-{o.year}")

    class Meta:
        model = WorkPlanPage


class WorkPlanItemFactory(factory.django.DjangoModelFactory):
    plan = factory.SubFactory(WorkPlanFactory)
    title = factory.Sequence(lambda n: f"Пункт плана {n}")
    starts_on = factory.LazyAttribute(lambda o: date(o.plan.year, 3, 1))

    class Meta:
        model = WorkPlanItem


class ChronicleFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory(CooperationFactory)
    title = factory.Sequence(lambda n: f"Новости содружества № {n}")
    slug = factory.Sequence(lambda n: f"chronicle-{n}")
    date = factory.LazyFunction(date.today)

    class Meta:
        model = ChroniclePage


# --- People -----------------------------------------------------------------------------------

PASSWORD = "tezki-test"  # noqa: S105 — factories make test and demo users only


def user(username, **fields):
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=fields.pop("password", PASSWORD),
        first_name=fields.pop("first_name", username),
        **fields,
    )
    return person


def editor_of(library, username=None, **fields):
    """A user in the library's editors' group."""
    person = user(username or f"editor-{library.pk}", **fields)
    person.groups.add(provision_library(library).editors)
    return person


def moderator_of(cooperation, username=None, library=None, **fields):
    """A user in the cooperation's moderators' group; with `library`, also one of its editors."""
    person = user(username or f"moderator-{cooperation.pk}", **fields)
    person.groups.add(provision_cooperation(cooperation).moderators)
    if library is not None:
        person.groups.add(provision_library(library).editors)
    return person


def hub_admin(username="hub-admin", **fields):
    person = user(username, **fields)
    person.groups.add(hub_admins_group())
    return person
