"""Onboarding provisions a library's and a cooperation's people in one idempotent step."""

import io

from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
)

from partnerships.factories import LibraryFactory, SettlementFactory
from partnerships.models import CooperationTeam, LibraryTeam
from partnerships.teams import hub_admins_group, provision_hub, provision_library


def page_codenames(group, page):
    return sorted(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    )


def collection_codenames(group, collection):
    return sorted(
        GroupCollectionPermission.objects.filter(group=group, collection=collection).values_list(
            "permission__codename", flat=True
        )
    )


def provisioned_rows():
    return (
        Group.objects.count(),
        Collection.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        WorkflowPage.objects.count(),
    )


def test_a_new_library_gets_its_editors_collection_and_rights(cooperation):
    library = cooperation.libraries[0]
    team = library.team
    assert team.editors.name == "Редакторы: Никольская сельская библиотека"
    assert team.collection.name == library.title
    assert team.collection.get_parent().name == "Библиотеки"
    assert page_codenames(team.editors, library) == ["add_page", "change_page"]
    assert collection_codenames(team.editors, team.collection) == [
        "add_document",
        "add_image",
        "change_document",
        "change_image",
        "choose_document",
        "choose_image",
        "delete_document",
        "delete_image",
    ]
    shared = Collection.objects.get(name="Общие материалы")
    assert collection_codenames(team.editors, shared) == ["choose_document", "choose_image"]
    assert team.editors.permissions.filter(codename="access_admin").exists()
    # Rights in the cooperation the library is a party to, but never the right to publish.
    assert page_codenames(team.editors, cooperation.page) == ["add_page", "change_page"]


def test_provisioning_again_changes_nothing(cooperation):
    before = provisioned_rows()
    for library in cooperation.libraries:
        provision_library(library)
    provision_hub()
    call_command("partnerships_setup", stdout=io.StringIO())
    assert provisioned_rows() == before


def test_setup_provisions_libraries_that_existed_before(cooperation):
    LibraryTeam.objects.all().delete()
    CooperationTeam.objects.all().delete()
    assert not Group.objects.filter(name__startswith="Редакторы:").exists()
    out = io.StringIO()
    call_command("partnerships_setup", stdout=out)
    assert "Teams provisioned: 2 libraries, 1 cooperations" in out.getvalue()
    assert LibraryTeam.objects.count() == 2
    team = CooperationTeam.objects.get(cooperation=cooperation.page)
    assert team.moderators.name == "Модераторы: Содружество «Никольское»"
    # Fetched again: a page caches the workflow link it had when the fixture made it.
    assert Page.objects.get(pk=cooperation.page.pk).get_workflow() == team.workflow
    for library in cooperation.libraries:
        assert Page.objects.get(pk=library.pk).get_workflow() == team.workflow
        editors = LibraryTeam.objects.get(library=library).editors
        assert page_codenames(editors, cooperation.page) == [
            "add_page",
            "change_page",
        ]


def test_hub_administrators_have_every_page_right_on_the_site(hub):
    group = hub_admins_group()
    assert page_codenames(group, hub.home) == [
        "add_page",
        "bulk_delete_page",
        "change_page",
        "lock_page",
        "publish_page",
        "unlock_page",
    ]
    assert hub.home.get_workflow().name == "Модерация хаба"


def test_renaming_a_library_renames_its_group_and_collection(cooperation):
    library = cooperation.libraries[0]
    library.title = "Никольская модельная библиотека"
    library.save_revision().publish()
    team = LibraryTeam.objects.select_related("editors", "collection").get(library=library)
    assert team.editors.name == "Редакторы: Никольская модельная библиотека"
    assert team.collection.name == "Никольская модельная библиотека"
    assert LibraryTeam.objects.count() == 2


def test_renaming_a_cooperation_renames_its_moderators_and_workflow(cooperation):
    page = cooperation.page
    page.title = "Содружество библиотек «Никольское»"
    page.save_revision().publish()
    team = CooperationTeam.objects.get(cooperation=page)
    assert team.moderators.name == "Модераторы: Содружество библиотек «Никольское»"
    assert team.workflow.name == "Модерация: Содружество библиотек «Никольское»"


def test_libraries_of_the_same_name_get_distinct_groups(cooperation, kursk):
    village = SettlementFactory(name="Ольховка", title="Ольховка", region=kursk)
    twin = LibraryFactory(parent=village, title="Никольская сельская библиотека")
    first = cooperation.libraries[0]
    assert twin.team.editors.name != first.team.editors.name
    assert twin.team.editors.name.endswith(f"№{twin.pk}")


def test_deleting_a_library_leaves_no_orphans_and_keeps_its_files(cooperation):
    library = cooperation.libraries[1]
    team = library.team
    group_id, collection_id = team.editors_id, team.collection_id
    image = get_image_model().objects.create(
        title="Фото читального зала",
        file=get_test_image_file(),
        collection_id=collection_id,
    )
    library.delete()
    assert not Group.objects.filter(pk=group_id).exists()
    assert not Collection.objects.filter(pk=collection_id).exists()
    assert not GroupPagePermission.objects.filter(group_id=group_id).exists()
    image.refresh_from_db()
    assert image.collection.name == "Архив удалённых библиотек"


def test_deleting_a_cooperation_removes_its_moderators_and_workflow(cooperation):
    team = cooperation.page.team
    group_id, workflow_id = team.moderators_id, team.workflow_id
    cooperation.page.delete()
    assert not Group.objects.filter(pk=group_id).exists()
    assert not Workflow.objects.filter(pk=workflow_id).exists()
    # The libraries stay, with their own teams.
    assert LibraryTeam.objects.count() == 2


def test_a_translation_shares_its_source_librarys_rights(cooperation):
    library = cooperation.libraries[0]
    english = Locale.objects.get(language_code="en")
    translated = library.copy_for_translation(english, copy_parents=True)
    assert LibraryTeam.objects.count() == 2, "a translation has no team of its own"
    assert page_codenames(library.team.editors, translated) == ["add_page", "change_page"]
