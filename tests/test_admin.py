"""The rules hold where editors meet them: Wagtail's own admin views, through real POSTs."""

from datetime import date

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from partnerships.choices import CooperationLevel, MembershipChangeKind
from partnerships.factories import (
    LibraryFactory,
    SettlementFactory,
    WorkPlanFactory,
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


def membership_row(library, kind=MembershipChangeKind.JOIN, on="2022-03-01", **fields):
    return {
        "library": str(library.pk),
        "kind": kind,
        "date": on,
        "message": "",
        "status": "approved",
        **fields,
    }


def cooperation_data(rows, **fields):
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
        "membership_changes": inline_formset(rows),
        "body": streamfield([]),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    data.update(fields)
    return nested_form_data(data)


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


def test_cooperation_with_a_library_of_another_settlement_is_refused(
    admin_client, hub, cooperation, alekseevka
):
    pages_before = Page.objects.count()
    stranger = cooperation.libraries[0]  # stands in «Никольское»
    response = admin_client.post(
        add_url(CooperationPage, hub.cooperations),
        cooperation_data([membership_row(alekseevka[0]), membership_row(stranger)]),
    )
    assert response.status_code == 200
    assert (
        "Библиотека «Никольская сельская библиотека» находится в населённом пункте "
        "«Никольское», а содружество объединяет библиотеки населённых пунктов «Алексеевка»."
    ) in response.content.decode()
    assert Page.objects.count() == pages_before
    assert not CooperationPage.objects.filter(settlement_name="Алексеевка").exists()
    assert MembershipChange.objects.count() == 2  # the fixture's own


def test_cooperation_with_a_contradictory_history_is_refused(admin_client, hub, alekseevka):
    """A library leaving before it ever joined."""
    first, second = alekseevka
    response = admin_client.post(
        add_url(CooperationPage, hub.cooperations),
        cooperation_data(
            [
                membership_row(first),
                membership_row(second, kind=MembershipChangeKind.LEAVE, on="2022-05-01"),
                membership_row(second, on="2022-06-01"),
            ]
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "История участия противоречива: исправьте отмеченные записи." in content
    assert (
        "Библиотека «Алексеевская сельская библиотека» не может выйти из Соглашения: "
        "на эту дату она в нём не участвует."
    ) in content
    assert not CooperationPage.objects.exists()
    assert not MembershipChange.objects.exists()


def test_cooperation_with_a_join_before_signing_is_refused(admin_client, hub, alekseevka):
    response = admin_client.post(
        add_url(CooperationPage, hub.cooperations),
        cooperation_data([membership_row(alekseevka[0], on="2021-12-31")]),
    )
    assert response.status_code == 200
    assert "Дата 31.12.2021 раньше подписания Соглашения (01.03.2022)." in (
        response.content.decode()
    )
    assert not CooperationPage.objects.exists()


def test_second_cooperation_of_the_same_name_is_refused(admin_client, hub, cooperation):
    response = admin_client.post(
        add_url(CooperationPage, hub.cooperations),
        cooperation_data(
            [],
            title="Содружество сёл Никольское",
            slug="nikolskoe-2",
            settlement_name="с. Никольское",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["settlement_name"] == [
        "Содружество библиотек населённых пунктов «с. Никольское» уже есть: "
        "«Содружество «Никольское»». Для одного имени — одно содружество."
    ]
    assert CooperationPage.objects.count() == 1


def test_valid_cooperation_is_created_with_its_members(admin_client, hub, alekseevka):
    first, second = alekseevka
    response = admin_client.post(
        add_url(CooperationPage, hub.cooperations),
        cooperation_data(
            [
                membership_row(first),
                membership_row(second, on="2022-04-01"),
                membership_row(second, kind=MembershipChangeKind.LEAVE, on="2023-09-01"),
            ]
        ),
    )
    assert response.status_code == 302
    page = CooperationPage.objects.get()
    assert page.live
    assert page.get_parent().pk == hub.cooperations.pk
    assert page.name_key == "алексеевка"
    assert page.level == CooperationLevel.INTERMUNICIPAL
    assert page.membership_changes.count() == 3
    assert list(page.current_members()) == [first]


def test_leave_added_on_the_edit_form_updates_members_and_level(admin_client, cooperation):
    """The Kursk library leaves: the rest are in Belgorod oblast, so the level goes down."""
    page = cooperation.page
    home_library, kursk_library = cooperation.libraries
    existing = [
        membership_row(row.library, row.kind, row.date.isoformat(), id=str(row.pk))
        for row in page.membership_changes.order_by("pk")
    ]
    data = cooperation_data(
        [*existing, membership_row(kursk_library, MembershipChangeKind.LEAVE, "2024-01-15")],
        title=page.title,
        slug=page.slug,
        settlement_name=page.settlement_name,
        agreement_place="",
    )
    data["membership_changes-INITIAL_FORMS"] = str(len(existing))
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    page = CooperationPage.objects.get(pk=page.pk)
    assert list(page.current_members()) == [home_library]
    assert page.level == CooperationLevel.INTERMUNICIPAL
    assert page.membership_changes.filter(kind=MembershipChangeKind.LEAVE).get().date == (
        date(2024, 1, 15)
    )


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
