"""The rules hold where editors meet them: Wagtail's own admin views, through real POSTs."""

from datetime import date

import pytest
from django.urls import reverse, reverse_lazy
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from partnerships.choices import CooperationLevel, MembershipChangeKind
from partnerships.factories import (
    CooperationFactory,
    LibraryFactory,
    SettlementFactory,
    WorkPlanFactory,
    editor_of,
    hub_admin,
)
from partnerships.models import (
    CooperationIndexPage,
    CooperationPage,
    EventPage,
    LibraryPage,
    MembershipChange,
    WorkPlanPage,
)

NOT_CREATED = "Страница не может быть создана из-за ошибок при проверке."


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def event_data(partner_libraries=(), **fields):
    data = {
        "title": "Семинар «Краеведение в сельской библиотеке»",
        "slug": "seminar-kraevedenie",
        "kind": "seminar",
        "format": "offline",
        "starts_at": "2030-05-10 10:00",
        "ends_at": "2030-05-10 16:00",
        "venue_address": "Никольская сельская библиотека, читальный зал",
        "online_url": "",
        "intro": "Встреча библиотекарей-краеведов.",
        "body": streamfield([("paragraph", rich_text("<p>Программа семинара.</p>"))]),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    data.update(fields)
    data = nested_form_data(data)
    # A multiple choice posts one value per choice, which nested_form_data would number.
    data["partner_libraries"] = [str(library.pk) for library in partner_libraries]
    return data


def cooperation_data(**fields):
    data = {
        "title": "Содружество «Алексеевка»",
        "slug": "alekseevka",
        "settlement_name": "Алексеевка",
        "organisational_form": "convent_partnership",
        "intro": "Библиотеки сёл Алексеевка.",
        "colour": "#1f5f8b",
        "social_links": streamfield([]),
        "agreement_title": "Соглашение о сотрудничестве",
        "agreement_signed_on": "2022-03-01",
        "agreement_place": "Алексеевка",
        "agreement_text": rich_text("<p>Совместная работа библиотек.</p>"),
        "body": streamfield([]),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    data.update(fields)
    return nested_form_data(data)


def history_row(cooperation, library, kind=MembershipChangeKind.JOIN, on="2022-03-01", **fields):
    """The «История участия» form of hub administrators: one join or leave, as it happened."""
    return {
        "cooperation": str(cooperation.pk),
        "library": str(library.pk),
        "kind": kind,
        "date": on,
        "status": "approved",
        "message": "",
        "decision_comment": "",
        **fields,
    }


HISTORY_ADD = reverse_lazy("membership_history:add")


@pytest.fixture
def alekseevka(hub, belgorod):
    """Two libraries in two settlements named «Алексеевка», both in Belgorod oblast."""
    villages = [
        SettlementFactory(name="Алексеевка", title=title, region=belgorod)
        for title in ("Алексеевка (Алексеевский округ)", "Алексеевка (Корочанский район)")
    ]
    return [
        LibraryFactory(parent=villages[0], title="Алексеевская центральная библиотека"),
        LibraryFactory(parent=villages[1], title="Алексеевская сельская библиотека"),
    ]


# --- The admin speaks Russian -----------------------------------------------------------------


def test_admin_dashboard_is_russian_even_for_an_english_browser(admin_client, hub):
    response = admin_client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="ru"' in response.content.decode()
    assert "Панель управления" in response.content.decode()
    assert "Dashboard" not in response.content.decode()


def test_admin_page_form_shows_russian_labels(admin_client, cooperation):
    response = admin_client.get(add_url(EventPage, cooperation.page))
    assert response.status_code == 200
    for label in ("Вид", "Формат", "Начало", "Окончание", "Ссылка на трансляцию"):
        assert label in response.content.decode(), label


# --- Events -----------------------------------------------------------------------------------


def test_event_ending_before_it_starts_is_refused(admin_client, cooperation):
    pages_before = Page.objects.count()
    response = admin_client.post(
        add_url(EventPage, cooperation.page),
        event_data(starts_at="2030-05-10 10:00", ends_at="2030-05-10 09:00"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == [
        "Мероприятие не может закончиться раньше, чем началось."
    ]
    assert "Мероприятие не может закончиться раньше, чем началось." in response.content.decode()
    assert NOT_CREATED in response.content.decode()
    assert Page.objects.count() == pages_before
    assert not EventPage.objects.exists()


def test_online_event_without_a_link_is_refused(admin_client, cooperation):
    response = admin_client.post(
        add_url(EventPage, cooperation.page), event_data(format="online", venue_address="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["online_url"] == [
        "Для онлайн-мероприятия укажите ссылку на трансляцию."
    ]
    assert not EventPage.objects.exists()


def test_event_with_a_partner_that_is_not_a_member_is_refused(
    admin_client, cooperation, alekseevka
):
    response = admin_client.post(
        add_url(EventPage, cooperation.page),
        event_data(partner_libraries=[alekseevka[0]]),
    )
    assert response.status_code == 200
    assert "partner_libraries" in response.context["form"].errors
    assert "Библиотека не участвует в Соглашении этого содружества." in response.content.decode()
    assert not EventPage.objects.exists()


def test_valid_event_is_created_in_its_cooperation(admin_client, cooperation):
    member = cooperation.libraries[0]
    response = admin_client.post(
        add_url(EventPage, cooperation.page),
        event_data(partner_libraries=[member], venue_library=str(member.pk)),
    )
    assert response.status_code == 302
    event = EventPage.objects.get()
    assert event.live
    assert event.get_parent().pk == cooperation.page.pk
    assert event.cooperation_id == cooperation.page.pk
    assert list(event.partner_libraries.all()) == [member]
    assert event.venue_library == member


# --- Work plans -------------------------------------------------------------------------------


def test_second_plan_for_the_same_year_is_refused(admin_client, cooperation):
    WorkPlanFactory(parent=cooperation.page, year=2025)
    data = nested_form_data(
        {
            "title": "Ещё один план на 2025 год",
            "slug": "plan-2025-bis",
            "year": "2025",
            "intro": "",
            "items": inline_formset([]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(add_url(WorkPlanPage, cooperation.page), data)
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [
        "План на 2025 год уже есть: «План совместной работы на 2025 год»."
    ]
    assert WorkPlanPage.objects.count() == 1


def test_plan_item_outside_the_year_is_refused(admin_client, cooperation):
    data = nested_form_data(
        {
            "title": "План совместной работы на 2026 год",
            "slug": "plan-2026",
            "year": "2026",
            "intro": "",
            "items": inline_formset(
                [{"title": "Летние чтения", "starts_on": "2025-07-01", "status": "planned"}]
            ),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(add_url(WorkPlanPage, cooperation.page), data)
    assert response.status_code == 200
    assert "Пункт плана на 2026 год должен укладываться в этот год." in response.content.decode()
    assert not WorkPlanPage.objects.exists()


# --- Cooperations -----------------------------------------------------------------------------


@pytest.fixture
def alekseevka_cooperation(hub, alekseevka):
    """The «Алексеевка» cooperation, signed on 1 March 2022, with no parties yet."""
    return CooperationFactory(
        settlement_name="Алексеевка",
        title="Содружество «Алексеевка»",
        agreement_signed_on=date(2022, 3, 1),
    )


def test_history_row_with_a_library_of_another_settlement_is_refused(
    admin_client, cooperation, alekseevka_cooperation
):
    stranger = cooperation.libraries[0]  # stands in «Никольское»
    response = admin_client.post(HISTORY_ADD, history_row(alekseevka_cooperation, stranger))
    assert response.status_code == 200
    assert (
        "Библиотека «Никольская сельская библиотека» находится в населённом пункте "
        "«Никольское», а содружество объединяет библиотеки населённых пунктов «Алексеевка»."
    ) in response.content.decode()
    assert MembershipChange.objects.count() == 2  # the fixture's own
    assert not alekseevka_cooperation.membership_changes.exists()


def test_history_row_that_contradicts_the_history_is_refused(
    admin_client, alekseevka_cooperation, alekseevka
):
    """A library leaving before it ever joined."""
    first, second = alekseevka
    assert (
        admin_client.post(HISTORY_ADD, history_row(alekseevka_cooperation, first)).status_code
        == 302
    )
    response = admin_client.post(
        HISTORY_ADD,
        history_row(alekseevka_cooperation, second, MembershipChangeKind.LEAVE, "2022-05-01"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "История участия противоречива: исправьте отмеченные записи." in content
    assert (
        "Библиотека «Алексеевская сельская библиотека» не может выйти из Соглашения: "
        "на эту дату она в нём не участвует."
    ) in content
    assert list(alekseevka_cooperation.membership_changes.values_list("library", flat=True)) == [
        first.pk
    ]


def test_second_join_of_a_current_party_is_refused(admin_client, cooperation):
    page = cooperation.page
    response = admin_client.post(
        HISTORY_ADD, history_row(page, cooperation.libraries[0], on="2024-01-15")
    )
    assert response.status_code == 200
    assert (
        "Библиотека «Никольская сельская библиотека» на эту дату уже участвует в Соглашении."
    ) in response.content.decode()
    assert page.membership_changes.count() == 2


def test_history_row_dated_before_signing_is_refused(
    admin_client, alekseevka_cooperation, alekseevka
):
    response = admin_client.post(
        HISTORY_ADD, history_row(alekseevka_cooperation, alekseevka[0], on="2021-12-31")
    )
    assert response.status_code == 200
    assert "Дата 31.12.2021 раньше подписания Соглашения (01.03.2022)." in (
        response.content.decode()
    )
    assert not MembershipChange.objects.exists()


def test_second_cooperation_of_the_same_name_is_refused(admin_client, hub, cooperation):
    response = admin_client.post(
        add_url(CooperationPage, hub.cooperations),
        cooperation_data(
            title="Содружество сёл Никольское", slug="nikolskoe-2", settlement_name="с. Никольское"
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["settlement_name"] == [
        "Содружество библиотек населённых пунктов «с. Никольское» уже есть: "
        "«Содружество «Никольское»». Для одного имени — одно содружество."
    ]
    assert CooperationPage.objects.count() == 1


def test_cooperation_page_form_has_no_membership_inline(admin_client, hub):
    """Parties change only through requests or the history screen, never a page revision."""
    response = admin_client.get(add_url(CooperationPage, hub.cooperations))
    assert response.status_code == 200
    assert "membership_changes-TOTAL_FORMS" not in response.content.decode()


def test_valid_cooperation_is_created_and_its_history_recorded(admin_client, hub, alekseevka):
    first, second = alekseevka
    response = admin_client.post(add_url(CooperationPage, hub.cooperations), cooperation_data())
    assert response.status_code == 302
    page = CooperationPage.objects.get()
    assert page.live
    assert page.get_parent().pk == hub.cooperations.pk
    assert page.name_key == "алексеевка"
    assert page.level == ""
    for row in (
        history_row(page, first),
        history_row(page, second, on="2022-04-01"),
        history_row(page, second, MembershipChangeKind.LEAVE, "2023-09-01"),
    ):
        assert admin_client.post(HISTORY_ADD, row).status_code == 302
    page.refresh_from_db()
    assert page.level == CooperationLevel.INTERMUNICIPAL
    assert page.membership_changes.count() == 3
    assert list(page.current_members()) == [first]


def test_leave_recorded_in_the_history_updates_members_and_level(admin_client, cooperation):
    """The Kursk library leaves: the rest are in Belgorod oblast, so the level goes down."""
    page = cooperation.page
    home_library, kursk_library = cooperation.libraries
    assert page.level == CooperationLevel.INTERREGIONAL
    response = admin_client.post(
        HISTORY_ADD, history_row(page, kursk_library, MembershipChangeKind.LEAVE, "2024-01-15")
    )
    assert response.status_code == 302
    page = CooperationPage.objects.get(pk=page.pk)
    assert list(page.current_members()) == [home_library]
    assert page.level == CooperationLevel.INTERMUNICIPAL
    assert page.membership_changes.filter(kind=MembershipChangeKind.LEAVE).get().date == (
        date(2024, 1, 15)
    )


def test_editing_a_row_into_a_contradiction_is_refused(admin_client, cooperation):
    """Turning the Kursk library's leave into a second join would break the history."""
    page = cooperation.page
    kursk_library = cooperation.libraries[1]
    leave = MembershipChange.objects.create(
        cooperation=page,
        library=kursk_library,
        kind=MembershipChangeKind.LEAVE,
        date=date(2024, 1, 15),
    )
    url = reverse("membership_history:edit", args=[leave.pk])
    response = admin_client.post(
        url, history_row(page, kursk_library, MembershipChangeKind.JOIN, "2024-01-15")
    )
    assert response.status_code == 200
    assert (
        "Библиотека «Никольская библиотека-филиал» на эту дату уже участвует в Соглашении."
    ) in response.content.decode()
    leave.refresh_from_db()
    assert leave.kind == MembershipChangeKind.LEAVE
    assert list(CooperationPage.objects.get(pk=page.pk).current_members()) == [
        cooperation.libraries[0]
    ]


def test_deleting_a_join_that_a_leave_depends_on_is_refused(admin_client, cooperation):
    page = cooperation.page
    kursk_library = cooperation.libraries[1]
    MembershipChange.objects.create(
        cooperation=page,
        library=kursk_library,
        kind=MembershipChangeKind.LEAVE,
        date=date(2024, 1, 15),
    )
    join = page.membership_changes.get(library=kursk_library, kind=MembershipChangeKind.JOIN)
    response = admin_client.post(reverse("membership_history:delete", args=[join.pk]), follow=True)
    assert "Запись не удалена: без неё история участия противоречива." in (
        response.content.decode()
    )
    assert MembershipChange.objects.filter(pk=join.pk).exists()


def test_history_screen_is_for_hub_administrators_only(client, cooperation):
    client.force_login(editor_of(cooperation.libraries[0], username="editor"))
    before = MembershipChange.objects.count()
    response = client.post(
        HISTORY_ADD,
        history_row(
            cooperation.page, cooperation.libraries[1], MembershipChangeKind.LEAVE, "2024-01-15"
        ),
    )
    assert response.status_code in (302, 403)
    assert MembershipChange.objects.count() == before
    assert client.get(reverse("membership_history:index")).status_code in (302, 403)


# --- Forged requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "parent_name"),
    [
        (EventPage, "settlements"),
        (EventPage, "home"),
        (LibraryPage, "cooperation"),
        (CooperationPage, "settlements"),
        (CooperationIndexPage, "home"),  # one of a kind: the hub already has it
    ],
)
def test_forged_post_under_a_wrong_parent_is_refused(
    admin_client, hub, cooperation, model, parent_name
):
    parent = cooperation.page if parent_name == "cooperation" else getattr(hub, parent_name)
    pages_before = Page.objects.count()
    response = admin_client.post(
        add_url(model, parent), event_data(title="Подложная страница", slug="forged"), follow=True
    )
    # Wagtail answers PermissionDenied with a redirect to the dashboard and a message.
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "Извините, но у вас нет доступа в эту область." in response.content.decode()
    assert Page.objects.count() == pages_before
    assert not Page.objects.filter(slug="forged").exists()


def test_unknown_page_type_is_not_found(admin_client, hub):
    url = reverse("wagtailadmin_pages:add", args=["partnerships", "nosuchpage", hub.home.pk])
    assert admin_client.post(url, {"title": "x"}).status_code == 404


def test_anonymous_visitor_cannot_reach_the_add_view(client, cooperation):
    response = client.post(add_url(EventPage, cooperation.page), event_data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert not EventPage.objects.exists()


def test_deleting_a_leave_makes_the_library_a_party_again(admin_client, cooperation):
    page = cooperation.page
    kursk_library = cooperation.libraries[1]
    leave = MembershipChange.objects.create(
        cooperation=page,
        library=kursk_library,
        kind=MembershipChangeKind.LEAVE,
        date=date(2024, 1, 15),
    )
    assert kursk_library not in page.current_members()
    response = admin_client.post(reverse("membership_history:delete", args=[leave.pk]))
    assert response.status_code == 302
    assert not MembershipChange.objects.filter(pk=leave.pk).exists()
    page = CooperationPage.objects.get(pk=page.pk)
    assert kursk_library in page.current_members()
    assert page.level == CooperationLevel.INTERREGIONAL


def test_history_screen_opens_for_a_hub_administrator(client, cooperation):
    client.force_login(hub_admin())
    listing = client.get(reverse("membership_history:index"))
    assert listing.status_code == 200
    assert "История участия" in listing.content.decode()
    assert "Никольская библиотека-филиал" in listing.content.decode()
    form = client.get(reverse("membership_history:add"))
    assert form.status_code == 200
    assert "Содружество" in form.content.decode()
