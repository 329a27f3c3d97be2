"""What keeping teams and rights in step costs: nothing on an ordinary save, one sync per
decision, and a hub-wide run whose queries do not grow with the number of libraries."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Collection, GroupPagePermission, PageLogEntry

from partnerships import membership
from partnerships.choices import MembershipChangeKind, MembershipChangeStatus
from partnerships.factories import (
    CooperationFactory,
    LibraryFactory,
    SettlementFactory,
    editor_of,
    moderator_of,
)
from partnerships.models import LibraryTeam, MembershipChange
from partnerships.teams import provision_hub, sync_membership_rights

GRANTED = "partnerships.rights_granted"
REVOKED = "partnerships.rights_revoked"


def touching(captured, table):
    return [query["sql"] for query in captured if f'"{table}"' in query["sql"]]


def reading(captured, table):
    return [sql for sql in touching(captured, table) if sql.lstrip().upper().startswith("SELECT")]


def log_count(action):
    return PageLogEntry.objects.filter(action=action).count()


# --- (a) An ordinary save provisions nothing ---------------------------------------------------


def test_a_revision_and_a_publication_of_a_library_provision_nothing(
    cooperation, django_assert_max_num_queries
):
    library = cooperation.libraries[0]
    library.intro = "Библиотека при доме культуры."
    groups = Group.objects.count()
    # 61 queries before the mend (the team provisioned again), 27 after.
    with django_assert_max_num_queries(30) as revision_queries:
        revision = library.save_revision()
    # 76 before, 43 after: one more query checks whether the title changed.
    with django_assert_max_num_queries(46) as publish_queries:
        revision.publish()
    for captured in (revision_queries.captured_queries, publish_queries.captured_queries):
        assert touching(captured, "auth_group") == []
        assert touching(captured, "partnerships_libraryteam") == []
        assert touching(captured, "wagtailcore_grouppagepermission") == []
    assert Group.objects.count() == groups


def test_a_cooperation_published_under_the_same_title_provisions_nothing(cooperation):
    page = cooperation.page
    with CaptureQueriesContext(connection) as captured:
        page.save_revision().publish()
    assert touching(captured, "auth_group") == []
    assert touching(captured, "partnerships_cooperationteam") == []


def test_a_new_title_still_renames_the_team(cooperation):
    library = cooperation.libraries[0]
    library.title = "Никольская модельная библиотека"
    with CaptureQueriesContext(connection) as draft:
        library.save_revision()
    assert touching(draft, "auth_group") == [], "a draft title is not the library's name yet"
    library.save_revision().publish()
    assert LibraryTeam.objects.get(library=library).editors.name == (
        "Редакторы: Никольская модельная библиотека"
    )


# --- (b) One decision, one sync ----------------------------------------------------------------


@pytest.fixture
def newcomer(cooperation, belgorod):
    village = SettlementFactory(
        name="Никольское", title="Никольское (Шебекинский округ)", region=belgorod
    )
    library = LibraryFactory(parent=village, title="Никольская школьная библиотека")
    editor_of(library, username="newcomer-editor")
    return library


def test_approving_a_join_syncs_the_rights_exactly_once(cooperation, newcomer):
    moderator = moderator_of(cooperation.page, username="moderator")
    with CaptureQueriesContext(connection) as filing:
        change = membership.request_change(
            newcomer, MembershipChangeKind.JOIN, "Просим принять.", None
        )
    # A pending request changes no rights, so it reads none (18 such queries before the mend).
    assert touching(filing, "wagtailcore_grouppagepermission") == []

    granted = log_count(GRANTED)
    with CaptureQueriesContext(connection) as approving:
        membership.approve_change(change, moderator)
    assert log_count(GRANTED) == granted + 1
    entry = PageLogEntry.objects.filter(action=GRANTED).latest("pk")
    assert entry.user == moderator
    assert entry.data == {
        "library": "Никольская школьная библиотека",
        "group": "Редакторы: Никольская школьная библиотека",
    }
    assert GroupPagePermission.objects.filter(
        group__library_team__library=newcomer, page=cooperation.page
    ).exists()

    # One more sync, with nothing left to change, reads the grants as often as the approval
    # did: the approval synced once, not twice (39 queries on the table before the mend, 6 now).
    with CaptureQueriesContext(connection) as once:
        sync_membership_rights(cooperation.page)
    # (Publishing the chronicle entry also checks the moderator's own page permissions.)
    approval_reads = [
        sql
        for sql in reading(approving, "wagtailcore_grouppagepermission")
        if '"auth_user_groups"' not in sql
    ]
    assert approval_reads
    assert len(approval_reads) == len(reading(once, "wagtailcore_grouppagepermission"))
    assert len(touching(approving, "wagtailcore_grouppagepermission")) <= 6
    assert log_count(GRANTED) == granted + 1


def test_rejecting_a_request_touches_no_rights(cooperation, newcomer):
    moderator = moderator_of(cooperation.page, username="moderator")
    change = membership.request_change(newcomer, MembershipChangeKind.JOIN, "Просим.", None)
    with CaptureQueriesContext(connection) as rejecting:
        membership.reject_change(change, moderator, "Нужны документы.")
    assert touching(rejecting, "wagtailcore_grouppagepermission") == []
    assert touching(rejecting, "partnerships_cooperationteam") == []


def test_deleting_an_approved_row_takes_the_rights_away_and_a_rejected_one_does_nothing(
    cooperation, newcomer
):
    page = cooperation.page
    rejected = MembershipChange.objects.create(
        cooperation=page,
        library=newcomer,
        kind=MembershipChangeKind.JOIN,
        status=MembershipChangeStatus.REJECTED,
        date=date(2024, 2, 1),
    )
    with CaptureQueriesContext(connection) as quiet:
        rejected.delete()
    assert touching(quiet, "wagtailcore_grouppagepermission") == []

    member = cooperation.libraries[1]
    editors = LibraryTeam.objects.get(library=member).editors
    assert GroupPagePermission.objects.filter(group=editors, page=page).exists()
    revoked = log_count(REVOKED)
    MembershipChange.objects.get(cooperation=page, library=member).delete()
    assert not GroupPagePermission.objects.filter(group=editors, page=page).exists()
    assert log_count(REVOKED) == revoked + 1


def test_a_row_approved_then_marked_rejected_takes_the_rights_away(cooperation):
    """The stored status decides: it was approved, so the save must sync."""
    page = cooperation.page
    member = cooperation.libraries[1]
    editors = LibraryTeam.objects.get(library=member).editors
    row = MembershipChange.objects.get(cooperation=page, library=member)
    row.status = MembershipChangeStatus.REJECTED
    row.save()
    assert not GroupPagePermission.objects.filter(group=editors, page=page).exists()


def test_a_row_moved_to_another_cooperation_moves_the_rights(cooperation):
    """A shell may move an approved row: the cooperation it left is synced as well."""
    page = cooperation.page
    member = cooperation.libraries[1]
    editors = LibraryTeam.objects.get(library=member).editors
    other = CooperationFactory(settlement_name="Покровка", title="Содружество «Покровка»")
    row = MembershipChange.objects.get(cooperation=page, library=member)
    row.cooperation = other
    row.save()
    assert not GroupPagePermission.objects.filter(group=editors, page=page).exists()
    assert GroupPagePermission.objects.filter(group=editors, page=other).exists()


# --- (c) The hub-wide run ----------------------------------------------------------------------


LETTERS = "ЯЮЭЬЫЪЩШЧЦХ"  # titles out of alphabetical order: the collections must be sorted


def add_members(region, cooperation, numbers):
    """Libraries that joined at the signing, as a hub written in bulk would hold them."""
    libraries = []
    for number in numbers:
        village = SettlementFactory(
            name="Никольское", title=f"Никольское ({number})", region=region
        )
        libraries.append(LibraryFactory(parent=village, title=f"Библиотека {LETTERS[number]}"))
    MembershipChange.objects.bulk_create(
        MembershipChange(
            cooperation=cooperation,
            library=library,
            kind=MembershipChangeKind.JOIN,
            date=cooperation.agreement_signed_on,
        )
        for library in libraries
    )
    return libraries


def hub_run_costs(libraries):
    """Queries of provision_hub() on a provisioned hub, then on one whose teams are gone."""
    with CaptureQueriesContext(connection) as again:
        provision_hub()
    LibraryTeam.objects.all().delete()  # as on a hub written in bulk, with no teams yet
    granted = log_count(GRANTED)
    with CaptureQueriesContext(connection) as fresh:
        provision_hub()
    assert LibraryTeam.objects.count() == len(libraries)
    assert log_count(GRANTED) == granted + len(libraries)
    parent = Collection.objects.get(name="Библиотеки")
    names = [collection.name for collection in parent.get_children()]
    assert names == sorted(library.title for library in libraries)
    assert all(not problems for problems in Collection.find_problems())
    return len(again), len(fresh)


def test_the_hub_run_does_not_grow_with_the_libraries(hub, belgorod):
    """Every query is per cooperation or per batch of 500 libraries, never per library, so
    three libraries and nine (one cooperation, one batch) cost exactly the same.

    Before the mend a run cost about 75 queries per library (328 at three, 778 at nine) and
    134 per library with no teams yet (499 and 1,303); now 62 and 74 at either size.
    """
    cooperation = CooperationFactory(settlement_name="Никольское", title="Содружество «Никольское»")
    # A founding party with its rights, then new parties: the same kind of start both times.
    libraries = add_members(belgorod, cooperation, range(1))
    sync_membership_rights(cooperation)
    libraries += add_members(belgorod, cooperation, range(1, 3))
    three = hub_run_costs(libraries)
    libraries += add_members(belgorod, cooperation, range(3, 9))
    nine = hub_run_costs(libraries)
    assert three == nine
    again, fresh = nine
    assert again <= 70
    assert fresh <= 85
