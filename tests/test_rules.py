"""The regulation's rules as the models enforce them, with the messages editors read."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnerships.choices import (
    CooperationLevel,
    EventFormat,
    MembershipChangeKind,
    MembershipChangeStatus,
)
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
from partnerships.models import (
    ChroniclePage,
    CooperationPage,
    EventPage,
    LibraryPage,
    MembershipChange,
    WorkPlanItem,
    WorkPlanPage,
)
from partnerships.models.cooperations import membership_history_errors

JOIN = MembershipChangeKind.JOIN
LEAVE = MembershipChangeKind.LEAVE


def messages(error, field):
    return [str(message) for message in error.value.message_dict[field]]


def change(cooperation, library, kind, on, status=MembershipChangeStatus.APPROVED):
    return MembershipChange.objects.create(
        cooperation=cooperation, library=library, kind=kind, date=on, status=status
    )


# --- Who may take part ---------------------------------------------------------------------


def test_library_of_a_namesake_settlement_may_join(cooperation, kursk):
    """«с. Никольское» and «Никольское» are the same name once normalised."""
    village = SettlementFactory(name="с. Никольское", title="с. Никольское", region=kursk)
    library = LibraryFactory(parent=village, title="Библиотека с. Никольское")
    row = MembershipChange(cooperation=cooperation.page, library=library, kind=JOIN)
    row.full_clean()


def test_library_of_another_settlement_may_not_join(cooperation, belgorod):
    village = SettlementFactory(name="Алексеевка", title="Алексеевка", region=belgorod)
    library = LibraryFactory(parent=village, title="Алексеевская библиотека")
    row = MembershipChange(cooperation=cooperation.page, library=library, kind=JOIN)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert messages(error, "library") == [
        "Библиотека «Алексеевская библиотека» находится в населённом пункте «Алексеевка», "
        "а содружество объединяет библиотеки населённых пунктов «Никольское»."
    ]


def test_one_cooperation_per_name(cooperation):
    """Another cooperation for «НИКОЛЬСКОЕ» (case, prefix) is refused."""
    with pytest.raises(ValidationError) as error:
        CooperationFactory(settlement_name="с. НИКОЛЬСКОЕ", title="Никольское-2", slug="n2")
    assert messages(error, "settlement_name") == [
        "Содружество библиотек населённых пунктов «с. НИКОЛЬСКОЕ» уже есть: "
        "«Содружество «Никольское»». Для одного имени — одно содружество."
    ]
    assert CooperationPage.objects.count() == 1


def test_saving_the_same_cooperation_again_is_not_a_duplicate(cooperation):
    page = CooperationPage.objects.get(pk=cooperation.page.pk)
    page.intro = "Новое описание."
    page.save()
    assert CooperationPage.objects.get(pk=page.pk).intro == "Новое описание."


def test_cooperations_of_different_names_coexist(cooperation):
    other = CooperationFactory(settlement_name="Алексеевка", title="Содружество «Алексеевка»")
    assert other.name_key == "алексеевка"
    assert CooperationPage.objects.count() == 2


# --- Events -----------------------------------------------------------------------------------


def test_event_cannot_end_before_it_starts(cooperation):
    starts = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        EventFactory(parent=cooperation.page, starts_at=starts, ends_at=starts - timedelta(hours=1))
    assert messages(error, "ends_at") == ["Мероприятие не может закончиться раньше, чем началось."]
    assert not EventPage.objects.exists()


def test_event_may_end_when_it_starts(cooperation):
    starts = timezone.now() + timedelta(days=3)
    event = EventFactory(parent=cooperation.page, starts_at=starts, ends_at=starts)
    assert event.pk


@pytest.mark.parametrize("event_format", [EventFormat.ONLINE, EventFormat.HYBRID])
def test_online_event_needs_a_link(cooperation, event_format):
    with pytest.raises(ValidationError) as error:
        EventFactory(parent=cooperation.page, format=event_format, online_url="")
    assert messages(error, "online_url") == ["Для онлайн-мероприятия укажите ссылку на трансляцию."]


def test_online_event_with_a_link_needs_no_venue(cooperation):
    event = EventFactory(
        parent=cooperation.page,
        format=EventFormat.ONLINE,
        online_url="https://example.org/stream",
        venue_address="",
    )
    assert event.pk


@pytest.mark.parametrize("event_format", [EventFormat.OFFLINE, EventFormat.HYBRID])
def test_offline_event_needs_a_venue(cooperation, event_format):
    with pytest.raises(ValidationError) as error:
        EventFactory(
            parent=cooperation.page,
            format=event_format,
            venue_address="",
            online_url="https://example.org/stream",
        )
    assert messages(error, "venue_address") == [
        "Для очного мероприятия укажите библиотеку-площадку или адрес."
    ]


def test_offline_event_at_a_member_library(cooperation):
    event = EventFactory(
        parent=cooperation.page, venue_address="", venue_library=cooperation.libraries[0]
    )
    assert event.venue_library == cooperation.libraries[0]


def test_program_cannot_end_before_it_starts(cooperation):
    with pytest.raises(ValidationError) as error:
        ProgramFactory(
            parent=cooperation.page, starts_on=date(2024, 5, 1), ends_on=date(2024, 4, 30)
        )
    assert messages(error, "ends_on") == ["Программа не может закончиться раньше, чем началась."]


def test_publication_year_cannot_be_in_the_far_future(cooperation):
    with pytest.raises(ValidationError) as error:
        PublicationFactory(parent=cooperation.page, year=date.today().year + 2)
    assert messages(error, "year") == ["Год издания не может быть позже следующего года."]


# --- Work plans -------------------------------------------------------------------------------


def test_plan_item_must_fall_within_the_plans_year(cooperation):
    plan = WorkPlanFactory(parent=cooperation.page, year=2025)
    item = WorkPlanItem(plan=plan, title="Летние чтения", starts_on=date(2024, 12, 20))
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert messages(error, "starts_on") == [
        "Пункт плана на 2025 год должен укладываться в этот год."
    ]
    late = WorkPlanItem(
        plan=plan, title="Итоги", starts_on=date(2025, 12, 1), ends_on=date(2026, 1, 15)
    )
    with pytest.raises(ValidationError) as error:
        late.full_clean()
    assert messages(error, "ends_on") == ["Пункт плана на 2025 год должен укладываться в этот год."]
    WorkPlanItem(
        plan=plan, title="Весь год", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    ).full_clean()


def test_plan_item_cannot_end_before_it_starts(cooperation):
    plan = WorkPlanFactory(parent=cooperation.page, year=2025)
    item = WorkPlanItem(
        plan=plan, title="Семинар", starts_on=date(2025, 6, 2), ends_on=date(2025, 6, 1)
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert messages(error, "ends_on") == ["Окончание не может быть раньше начала."]


def test_one_plan_per_year_in_a_cooperation(cooperation):
    existing = WorkPlanFactory(parent=cooperation.page, year=2025)
    WorkPlanItemFactory(plan=existing)
    with pytest.raises(ValidationError) as error:
        WorkPlanPage(year=2025, title="Ещё план").clean_for_parent(cooperation.page)
    assert messages(error, "year") == [
        "План на 2025 год уже есть: «План совместной работы на 2025 год»."
    ]
    # Another year, the plan itself, and the same year elsewhere are all fine.
    WorkPlanPage(year=2026, title="План на 2026").clean_for_parent(cooperation.page)
    existing.clean_for_parent(cooperation.page)
    other = CooperationFactory(settlement_name="Алексеевка", title="Содружество «Алексеевка»")
    WorkPlanPage(year=2025, title="План").clean_for_parent(other)


# --- Reference data ---------------------------------------------------------------------------


def test_district_must_belong_to_the_settlements_region(hub, belgorod, kursk):
    district = DistrictFactory(region=kursk, name="Курский район")
    with pytest.raises(ValidationError) as error:
        SettlementFactory(name="Никольское", region=belgorod, district=district)
    assert messages(error, "district") == [
        "Район «Курский район» относится к региону «Курская область», а не к выбранному."
    ]
    own = DistrictFactory(region=belgorod, name="Белгородский район")
    settlement = SettlementFactory(name="Никольское", region=belgorod, district=own)
    assert settlement.district == own


def test_settlement_name_key_is_normalised(hub, belgorod):
    settlement = SettlementFactory(name="с. Ново-Никольское", region=belgorod)
    assert settlement.name_key == "ново никольское"


# --- Membership history -----------------------------------------------------------------------


def unsaved(library, kind, on):
    return MembershipChange(library=library, kind=kind, date=on)


def flagged(errors):
    """(change, message) pairs, whether the checker answers with a dict or a list of pairs."""
    pairs = errors.items() if isinstance(errors, dict) else errors
    return [(change, str(message)) for change, message in pairs]


def test_history_errors_join_twice(cooperation):
    library = cooperation.libraries[0]
    first = unsaved(library, JOIN, date(2023, 1, 1))
    second = unsaved(library, JOIN, date(2023, 6, 1))
    assert flagged(membership_history_errors([second, first])) == [
        (
            second,
            "Библиотека «Никольская сельская библиотека» на эту дату уже участвует в Соглашении.",
        )
    ]


def test_history_errors_leave_when_not_a_member(cooperation):
    library = cooperation.libraries[0]
    leave = unsaved(library, LEAVE, date(2023, 1, 1))
    join = unsaved(library, JOIN, date(2023, 6, 1))
    assert flagged(membership_history_errors([join, leave])) == [
        (
            leave,
            "Библиотека «Никольская сельская библиотека» не может выйти из Соглашения: "
            "на эту дату она в нём не участвует.",
        )
    ]


def test_history_errors_before_signing(cooperation):
    early = unsaved(cooperation.libraries[0], JOIN, date(2022, 2, 28))
    errors = membership_history_errors([early], signed_on=date(2022, 3, 1))
    assert flagged(errors) == [
        (early, "Дата 28.02.2022 раньше подписания Соглашения (01.03.2022).")
    ]


def test_history_errors_on_saved_rows(cooperation):
    """The edit form checks stored rows and new ones together."""
    page = cooperation.page
    library = cooperation.libraries[0]
    stored = list(page.membership_changes.filter(library=library))
    again = unsaved(library, JOIN, date(2023, 1, 1))
    assert [change for change, _ in flagged(membership_history_errors([*stored, again]))] == [again]


def test_history_without_contradictions_has_no_errors(cooperation):
    one, two = cooperation.libraries
    history = [
        unsaved(one, JOIN, date(2022, 3, 1)),
        unsaved(two, JOIN, date(2022, 3, 1)),
        unsaved(one, LEAVE, date(2023, 1, 1)),
        unsaved(one, JOIN, date(2024, 1, 1)),
    ]
    assert flagged(membership_history_errors(history, signed_on=date(2022, 3, 1))) == []


def test_history_ignores_requests_not_approved(cooperation):
    pending = unsaved(cooperation.libraries[0], LEAVE, date(2023, 1, 1))
    pending.status = MembershipChangeStatus.PENDING
    assert flagged(membership_history_errors([pending])) == []


# --- Current members, derived from history -----------------------------------------------------


def test_current_members_follow_join_leave_and_rejoin(cooperation):
    page = cooperation.page
    one, two = cooperation.libraries
    assert set(page.current_members()) == {one, two}

    change(page, one, LEAVE, date(2023, 1, 10))
    assert set(page.current_members()) == {two}
    assert list(one.current_cooperations()) == []

    change(page, one, JOIN, date(2024, 2, 1))
    assert set(page.current_members()) == {one, two}
    assert list(one.current_cooperations()) == [page]


def test_changes_on_the_same_date_apply_in_the_order_they_were_made(cooperation):
    page = cooperation.page
    one = cooperation.libraries[0]
    change(page, one, LEAVE, date(2023, 5, 5))
    change(page, one, JOIN, date(2023, 5, 5))
    assert one in page.current_members()
    change(page, one, LEAVE, date(2023, 5, 5))
    assert one not in page.current_members()


def test_pending_and_rejected_changes_do_not_count(cooperation):
    page = cooperation.page
    one = cooperation.libraries[0]
    change(page, one, LEAVE, date(2023, 1, 1), status=MembershipChangeStatus.PENDING)
    change(page, one, LEAVE, date(2023, 2, 1), status=MembershipChangeStatus.REJECTED)
    assert one in page.current_members()
    assert list(page.membership_history()) == list(
        MembershipChange.objects.filter(
            cooperation=page, status=MembershipChangeStatus.APPROVED
        ).order_by("-date", "-pk")
    )


def test_unpublished_library_is_not_listed_as_member(cooperation):
    one, two = cooperation.libraries
    one.unpublish()
    assert list(cooperation.page.current_members()) == [two]


# --- Level derived from the members' regions (§1.2) ----------------------------------------------


def test_level_is_intermunicipal_when_all_members_are_in_belgorod_oblast(hub, belgorod):
    villages = [
        SettlementFactory(name="Алексеевка", title=f"Алексеевка {n}", region=belgorod)
        for n in range(2)
    ]
    libraries = [LibraryFactory(parent=village) for village in villages]
    page = CooperationFactory(settlement_name="Алексеевка", members=libraries)
    assert page.level == CooperationLevel.INTERMUNICIPAL
    assert CooperationPage.objects.get(pk=page.pk).level == CooperationLevel.INTERMUNICIPAL


def test_level_is_interregional_with_a_member_elsewhere(cooperation):
    assert CooperationPage.objects.get(pk=cooperation.page.pk).level == (
        CooperationLevel.INTERREGIONAL
    )


def test_level_is_recomputed_on_save(cooperation):
    page = CooperationPage.objects.get(pk=cooperation.page.pk)
    kursk_library = cooperation.libraries[1]
    change(page, kursk_library, LEAVE, date(2024, 1, 1))
    page.save()
    assert CooperationPage.objects.get(pk=page.pk).level == CooperationLevel.INTERMUNICIPAL

    change(page, kursk_library, JOIN, date(2025, 1, 1))
    page = CooperationPage.objects.get(pk=page.pk)
    page.save()
    assert CooperationPage.objects.get(pk=page.pk).level == CooperationLevel.INTERREGIONAL


def test_level_is_empty_without_members(hub):
    page = CooperationFactory(settlement_name="Сосновка", title="Содружество «Сосновка»")
    assert page.level == ""


# --- Links that follow the tree ---------------------------------------------------------------


def test_library_settlement_is_its_parent(cooperation):
    for library, settlement in zip(cooperation.libraries, cooperation.settlements, strict=True):
        assert LibraryPage.objects.get(pk=library.pk).settlement_id == settlement.pk


def test_library_follows_its_page_when_moved(cooperation):
    library = cooperation.libraries[0]
    target = cooperation.settlements[1]
    library.move(target, pos="last-child")
    assert LibraryPage.objects.get(pk=library.pk).settlement_id == target.pk


def test_joint_content_belongs_to_its_parent_cooperation(cooperation):
    page = cooperation.page
    items = [
        EventFactory(parent=page),
        ProgramFactory(parent=page),
        PublicationFactory(parent=page),
        WorkPlanFactory(parent=page, year=2025),
        ChronicleFactory(parent=page),
    ]
    for item in items:
        assert type(item).objects.get(pk=item.pk).cooperation_id == page.pk


def test_joint_content_follows_its_page_when_moved(cooperation):
    other = CooperationFactory(settlement_name="Алексеевка", title="Содружество «Алексеевка»")
    event = EventFactory(parent=cooperation.page)
    entry = ChronicleFactory(parent=cooperation.page)
    event.move(other, pos="last-child")
    entry.move(other, pos="last-child")
    assert EventPage.objects.get(pk=event.pk).cooperation_id == other.pk
    assert ChroniclePage.objects.get(pk=entry.pk).cooperation_id == other.pk


def test_copied_event_belongs_to_the_cooperation_it_is_copied_into(cooperation):
    other = CooperationFactory(settlement_name="Алексеевка", title="Содружество «Алексеевка»")
    event = EventFactory(parent=cooperation.page)
    copy = event.copy(to=other, update_attrs={"slug": "copy"})
    assert EventPage.objects.get(pk=copy.pk).cooperation_id == other.pk
    assert EventPage.objects.get(pk=event.pk).cooperation_id == cooperation.page.pk


def test_plan_items_keep_their_plan(cooperation):
    plan = WorkPlanFactory(parent=cooperation.page, year=2025)
    WorkPlanItemFactory(plan=plan, title="Первый", sort_order=0)
    WorkPlanItemFactory(plan=plan, title="Второй", sort_order=1)
    assert [item.title for item in WorkPlanPage.objects.get(pk=plan.pk).items.all()] == [
        "Первый",
        "Второй",
    ]
