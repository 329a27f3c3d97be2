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
        if not extracted:
            return
        for library in extracted:
            obj.membership_changes.add(
                MembershipChange(
                    library=library,
                    kind=choices.MembershipChangeKind.JOIN,
                    date=obj.agreement_signed_on or date.today(),
                )
            )
        if create:
            obj.save()


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
