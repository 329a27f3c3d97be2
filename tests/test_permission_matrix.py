"""Who may do what, cell by cell, through the real admin views (issue 3's acceptance matrix).

One world is built per module: cooperation X «Никольское» with member libraries A and B,
cooperation Y «Покровка» with library C, a draft and a submitted joint event in X, a library
page with unpublished changes, images and documents in A's collection and in the shared one,
and one reader's submission of each kind. Every test runs inside a savepoint that is rolled
back, so each cell starts from the same world.

`MATRIX` below is the single source of truth; `docs/permissions.md` is rendered from it and a
test keeps the two in step. "Allowed" means the action took effect; "denied" means a 403, a
redirect (or, where the row says so, a 404 or a listing without the item) AND no change.
"""

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from test_admin import add_url, cooperation_data, event_data
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from partnerships import membership
from partnerships.choices import (
    CollectionRequestStatus,
    LibraryAffiliation,
    MembershipChangeKind,
    MembershipChangeStatus,
    OwnershipForm,
    ProposalStatus,
)
from partnerships.factories import (
    CooperationFactory,
    EventFactory,
    LibraryFactory,
    SettlementFactory,
    editor_of,
    hub_admin,
    moderator_of,
)
from partnerships.models import (
    CollectionRequest,
    CooperationPage,
    EventPage,
    LibraryPage,
    MembershipChange,
    Proposal,
    Region,
)
from partnerships.setup import install
from partnerships.teams import shared_collection

DOCS = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"

# --- The matrix -------------------------------------------------------------------------------

ROLES = ("anonymous", "editor_a", "editor_b", "editor_c", "moderator_x", "moderator_y", "hub_admin")
ROLE_HEADINGS = {
    "anonymous": "Anonymous",
    "editor_a": "Editor of A",
    "editor_b": "Editor of B",
    "editor_c": "Editor of C",
    "moderator_x": "Moderator of X",
    "moderator_y": "Moderator of Y",
    "hub_admin": "Hub admin",
}
Y, N = True, False

# Each row: action key, group, what is done (as the docs say it), then one cell per role in
# ROLES order: anonymous, editor A, editor B, editor C, moderator X, moderator Y, hub admin.
MATRIX = [
    ("draft_in_editor", "View draft", "Open X's draft event in the page editor",
        N, Y, Y, N, Y, N, Y),
    ("draft_preview", "View draft", "Preview X's draft event (view draft)",
        N, Y, Y, N, Y, N, Y),
    ("draft_public_url", "View draft", "Open X's draft event at its public URL",
        N, N, N, N, N, N, N),
    ("library_draft_preview", "View draft", "Preview library A's unpublished changes",
        N, Y, N, N, N, N, Y),
    ("draft_in_page_chooser", "View draft", "See X's draft event in the page chooser",
        N, Y, Y, N, Y, N, Y),
    ("draft_in_explorer", "View draft", "See X's draft event in the page explorer",
        N, Y, Y, N, Y, N, Y),
    ("draft_in_admin_search", "View draft", "Find X's draft event in the admin page search",
        N, Y, Y, N, Y, N, Y),
    ("draft_in_chooser_search", "View draft", "Find X's draft event in the page chooser's search",
        N, Y, Y, N, Y, N, Y),
    ("draft_in_admin_api", "View draft", "List X's draft event through the admin API",
        N, Y, Y, N, Y, N, Y),
    ("draft_in_site_history", "View draft", "See X's draft event in the site history report",
        N, Y, Y, N, Y, N, Y),
    ("draft_history", "View draft", "Open the history of X's draft event",
        N, Y, Y, N, Y, N, Y),
    ("add_under_cooperation", "Add child", "Add an event (as a draft) under cooperation X",
        N, Y, Y, N, Y, N, Y),
    ("add_under_library", "Add child", "Add a page under library A's page",
        N, N, N, N, N, N, N),
    ("edit_joint_draft", "Edit", "Save a new draft of X's draft event",
        N, Y, Y, N, Y, N, Y),
    ("edit_library_page", "Edit", "Save a new draft of library A's page",
        N, Y, N, N, N, N, Y),
    ("edit_cooperation_page", "Edit", "Save a new draft of cooperation X's own page",
        N, N, N, N, Y, N, Y),
    ("publish", "Publish", "Publish X's draft event from the editor (action-publish)",
        N, N, N, N, Y, N, Y),
    ("unpublish", "Unpublish", "Unpublish X's live event",
        N, N, N, N, Y, N, Y),
    ("delete_live", "Delete", "Delete X's live event",
        N, N, N, N, Y, N, Y),
    ("bulk_delete_live", "Delete", "Delete X's live event through the bulk action",
        N, N, N, N, Y, N, Y),
    ("delete_draft", "Delete", "Delete X's never-published draft event",
        N, Y, Y, N, Y, N, Y),
    ("delete_library", "Delete", "Delete library A's page",
        N, N, N, N, N, N, Y),
    ("move_into_other_corner", "Move", "Move X's draft event into cooperation Y",
        N, N, N, N, N, N, Y),
    ("move_library", "Move", "Move library A's page under C's settlement",
        N, N, N, N, N, N, Y),
    ("copy_into_other_corner", "Copy", "Copy X's draft event into cooperation Y",
        N, N, N, N, N, N, Y),
    ("approve_task", "Approve or reject", "Approve X's event awaiting moderation",
        N, N, N, N, Y, N, Y),
    ("reject_task", "Approve or reject", "Reject X's event awaiting moderation, with a comment",
        N, N, N, N, Y, N, Y),
    ("dashboard_review", "See submissions", "See X's submitted event under «awaiting review»",
        N, N, N, N, Y, N, Y),
    ("workflow_report", "See submissions", "See X's submitted event in the workflow report",
        N, Y, Y, N, Y, N, Y),
    ("membership_requests", "See submissions", "See a library's pending request to join X",
        N, N, N, N, Y, N, Y),
    ("decide_membership", "See submissions", "Approve a library's request to join X",
        N, N, N, N, Y, N, Y),
    ("proposals", "See submissions", "See a reader's proposal to X",
        N, N, N, N, Y, N, Y),
    ("moderate_proposal", "See submissions", "Approve a reader's proposal to X",
        N, N, N, N, Y, N, Y),
    ("collection_requests", "See submissions", "See a reader's request to library A",
        N, Y, N, N, N, N, Y),
    ("collection_request", "See submissions", "Open a reader's request to library A",
        N, Y, N, N, N, N, Y),
    ("answer_collection_request", "See submissions", "Move a request to A to «accepted»",
        N, Y, N, N, N, N, Y),
    ("image_chooser_library", "Collections", "See A's image in the image chooser",
        N, Y, N, N, N, N, Y),
    ("image_chooser_shared", "Collections", "See a shared image in the image chooser",
        N, Y, Y, Y, Y, Y, Y),
    ("document_chooser_library", "Collections", "See A's document in the document chooser",
        N, Y, N, N, N, N, Y),
    ("document_chooser_shared", "Collections", "See a shared document in the document chooser",
        N, Y, Y, Y, Y, Y, Y),
    ("image_listing_library", "Collections", "See A's image in the image library",
        N, Y, N, N, N, N, Y),
    ("document_listing_library", "Collections", "See A's document in the document library",
        N, Y, N, N, N, N, Y),
    ("upload_image_library", "Collections", "Upload an image into A's collection",
        N, Y, N, N, N, N, Y),
    ("upload_document_library", "Collections", "Upload a document into A's collection",
        N, Y, N, N, N, N, Y),
    ("edit_image_library", "Collections", "Rename A's image",
        N, Y, N, N, N, N, Y),
    ("delete_image_library", "Collections", "Delete A's image",
        N, Y, N, N, N, N, Y),
]  # fmt: skip

# Conditions shown as footnotes in the docs, keyed by action (whole row) or (action, role).
FOOTNOTES = {
    "draft_public_url": "Nobody sees a draft at its public URL (404); drafts are seen "
    "in the admin only.",
    "add_under_library": "A library's page has no child page types (DESIGN's tree): the add "
    "view refuses everyone, and a forged POST of another type under it is refused too.",
    "edit_joint_draft": "Every member library's editors edit joint drafts in their cooperation "
    "alike (equality, §1.8); they submit, never publish.",
    "edit_cooperation_page": "The cooperation's own page (its Agreement) is edited only by "
    "those who may publish there.",
    "publish": "An editor's forged `action-publish` saves a draft and publishes nothing.",
    "delete_draft": "Editors delete only pages that were never published (Wagtail's rule for "
    "editing without publishing), in cooperations their library belongs to.",
    "move_into_other_corner": "Nothing moves or is copied from one library's or cooperation's "
    "corner into another, even for someone with rights in both (only hub administrators may).",
    "copy_into_other_corner": "The copy form answers a destination in another corner with "
    "a message; the bulk move and the admin API's move, copy and alias actions refuse it too.",
    "draft_in_page_chooser": "Choosers, listings and reports show nothing of another corner: "
    "the item is simply absent (or the view answers 403 or a redirect).",
    "approve_task": "With the cooperation's all-parties option on, a joint item naming two "
    "or more member libraries needs one approval per named library, each from a moderator "
    "who is also an editor of that library (hub administrators answer for any party).",
    ("dashboard_review", "hub_admin"): "Hub administrators see every task awaiting review on "
    "their dashboard, but are not e-mailed about each one: e-mails go to the cooperation's "
    "moderators.",
    "workflow_report": "Wagtail's report lists work on pages one may edit: editors see "
    "the submissions of their own cooperations only.",
    "image_chooser_shared": "Everyone in the admin chooses from «Общие материалы»; "
    "moderators and hub administrators may also upload there.",
    "upload_image_library": "A collection id outside one's rights is ignored: Wagtail files "
    "the upload into the only collection the user may add to (an editor's library's, a "
    "moderator's shared one), never into A's.",
}

# Cells where the code does not (yet) do what the matrix says: each one is a reported hole.
HOLES = {}


def cases():
    params = []
    for action, _group, _label, *cells in MATRIX:
        for role, allowed in zip(ROLES, cells, strict=True):
            marks = []
            if (action, role) in HOLES:
                marks.append(pytest.mark.xfail(strict=True, reason=HOLES[(action, role)]))
            params.append(pytest.param(action, role, allowed, id=f"{action}-{role}", marks=marks))
    return params


# --- The world --------------------------------------------------------------------------------

DRAFT_TITLE = "Черновик: семинар «Краеведческие чтения»"
SUBMITTED_TITLE = "На модерации: конференция «Сельская библиотека сегодня»"
LIVE_TITLE = "Фестиваль «Летнее чтение»"
LIBRARY_DRAFT_INTRO = "Черновик нового описания библиотеки А"
IMAGE_A = "Фото фонда библиотеки А"
IMAGE_SHARED = "Общий логотип содружеств"
DOCUMENT_A = "Положение о фонде библиотеки А"
DOCUMENT_SHARED = "Общий шаблон Соглашения"
JOIN_MESSAGE = "Просим принять нашу библиотеку в содружество"
PROPOSAL_TEXT = "Предлагаю провести общий конкурс чтецов"
REQUEST_ITEM = "«Летопись села Никольское», 1998"


def _document(title, collection):
    return get_document_model().objects.create(
        title=title,
        file=SimpleUploadedFile("fond.txt", "Текст документа".encode()),
        collection=collection,
    )


def _image(title, collection):
    return get_image_model().objects.create(
        title=title, file=get_test_image_file(), collection=collection
    )


def build_world():
    install()
    belgorod = Region.objects.get(code="14")
    kursk = Region.objects.get(code="38")
    village_a = SettlementFactory(
        name="Никольское", title="Никольское (Белгородская область)", region=belgorod
    )
    village_b = SettlementFactory(
        name="Никольское", title="Никольское (Курская область)", region=kursk
    )
    village_c = SettlementFactory(name="Покровка", title="Покровка", region=kursk)
    village_d = SettlementFactory(
        name="Никольское", title="Никольское (Корочанский район)", region=belgorod
    )
    library_a = LibraryFactory(parent=village_a, title="Никольская сельская библиотека")
    library_b = LibraryFactory(parent=village_b, title="Никольская библиотека-филиал")
    library_c = LibraryFactory(parent=village_c, title="Покровская сельская библиотека")
    library_d = LibraryFactory(parent=village_d, title="Никольская детская библиотека")
    coop_x = CooperationFactory(
        settlement_name="Никольское",
        title="Содружество «Никольское»",
        members=[library_a, library_b],
    )
    coop_y = CooperationFactory(
        settlement_name="Покровка", title="Содружество «Покровка»", members=[library_c]
    )
    users = {
        "editor_a": editor_of(library_a, "editor-a"),
        "editor_b": editor_of(library_b, "editor-b"),
        "editor_c": editor_of(library_c, "editor-c"),
        "editor_d": editor_of(library_d, "editor-d"),
        "moderator_x": moderator_of(coop_x, "moderator-x"),
        "moderator_y": moderator_of(coop_y, "moderator-y"),
        "hub_admin": hub_admin("hub-admin"),
    }
    editor_a = users["editor_a"]

    live = EventFactory(parent=coop_x, title=LIVE_TITLE, slug="letnee-chtenie")
    live.save_revision(user=editor_a).publish()
    draft = EventFactory(
        parent=coop_x, title=DRAFT_TITLE, slug="kraevedcheskie-chteniya", live=False, owner=editor_a
    )
    draft.save_revision(user=editor_a, log_action=True)
    submitted = EventFactory(
        parent=coop_x, title=SUBMITTED_TITLE, slug="selskaya-biblioteka", live=False
    )
    submitted.save_revision(user=editor_a)
    coop_x.team.workflow.start(submitted, editor_a)

    library_a.intro = LIBRARY_DRAFT_INTRO
    library_a.save_revision(user=editor_a)

    shared = shared_collection()
    collection_a = library_a.team.collection
    images = {"a": _image(IMAGE_A, collection_a), "shared": _image(IMAGE_SHARED, shared)}
    documents = {
        "a": _document(DOCUMENT_A, collection_a),
        "shared": _document(DOCUMENT_SHARED, shared),
    }

    join = membership.request_change(
        library_d, MembershipChangeKind.JOIN, JOIN_MESSAGE, users["editor_d"], cooperation=coop_x
    )
    consent = {"consent_version": "1", "consent_given_at": timezone.now()}
    proposal = Proposal.objects.create(
        cooperation=coop_x, name="Мария", email="maria@example.org", text=PROPOSAL_TEXT, **consent
    )
    collection_request = CollectionRequest.objects.create(
        library=library_a, name="Пётр", email="petr@example.org", item=REQUEST_ITEM, **consent
    )
    return SimpleNamespace(
        users={role: user.pk for role, user in users.items()},
        x=coop_x.pk,
        y=coop_y.pk,
        library_a=library_a.pk,
        village_c=village_c.pk,
        live=live.pk,
        draft=draft.pk,
        submitted=submitted.pk,
        collection_a=collection_a.pk,
        images={key: image.pk for key, image in images.items()},
        documents={key: document.pk for key, document in documents.items()},
        join=join.pk,
        proposal=proposal.pk,
        collection_request=collection_request.pk,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def as_role(world, db, client):
    """A client logged in as the role (anonymous: not logged in)."""
    from django.contrib.auth import get_user_model

    def login(role):
        if role != "anonymous":
            client.force_login(get_user_model().objects.get(pk=world.users[role]))
        return client

    return login


# --- The actions ------------------------------------------------------------------------------
# Each runs the request and returns (response, took_effect) from the database or the page.

REFUSED = {302, 403}
REFUSED_OR_FILTERED = {200, 302, 403}
# A form posted outside one's rights may come back with its error instead (checked below).
REFUSED_OR_FORM_ERROR = {*REFUSED, "form error"}


@dataclass
class Action:
    run: callable
    refused_statuses: set = field(default_factory=lambda: set(REFUSED))


def _page(pk):
    return Page.objects.get(pk=pk).specific


def _shows(response, text):
    if response.status_code != 200:
        return False
    if response["Content-Type"].startswith("application/json"):
        return text in response.json().get("html", "")
    return text in response.content.decode()


def _latest_title(pk):
    page = _page(pk)
    revision = page.get_latest_revision()
    return revision.content["title"] if revision else page.title


def draft_in_editor(client, w):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[w.draft]))
    return response, _shows(response, DRAFT_TITLE)


def draft_preview(client, w):
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[w.draft]))
    return response, _shows(response, DRAFT_TITLE)


def draft_public_url(client, w):
    response = client.get(_page(w.draft).url)
    return response, _shows(response, DRAFT_TITLE)


def library_draft_preview(client, w):
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[w.library_a]))
    return response, _shows(response, LIBRARY_DRAFT_INTRO)


def draft_in_page_chooser(client, w):
    response = client.get(reverse("wagtailadmin_choose_page_child", args=[w.x]))
    return response, _shows(response, DRAFT_TITLE)


def draft_in_explorer(client, w):
    response = client.get(reverse("wagtailadmin_explore", args=[w.x]))
    return response, _shows(response, DRAFT_TITLE)


def draft_in_admin_search(client, w):
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "Краеведческие"})
    return response, _shows(response, DRAFT_TITLE)


def draft_in_chooser_search(client, w):
    response = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Краеведческие"})
    return response, _shows(response, DRAFT_TITLE)


def draft_in_admin_api(client, w):
    response = client.get(reverse("wagtailadmin_api:pages:listing"), {"child_of": w.x})
    if response.status_code != 200:
        return response, False
    return response, w.draft in [item["id"] for item in response.json()["items"]]


def draft_in_site_history(client, w):
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    return response, _shows(response, DRAFT_TITLE)


def draft_history(client, w):
    response = client.get(reverse("wagtailadmin_pages:history", args=[w.draft]))
    return response, _shows(response, DRAFT_TITLE)


NEW_EVENT_SLUG = "novyi-seminar"


def add_under_cooperation(client, w):
    data = event_data(slug=NEW_EVENT_SLUG)
    del data["action-publish"]
    response = client.post(add_url(EventPage, _page(w.x)), data)
    return response, EventPage.objects.filter(slug=NEW_EVENT_SLUG).exists()


def add_under_library(client, w):
    library = _page(w.library_a)
    refused_get = client.get(
        reverse("wagtailadmin_pages:add_subpage", args=[library.pk])
    ).status_code
    data = event_data(slug=NEW_EVENT_SLUG)
    del data["action-submit" if "action-submit" in data else "action-publish"]
    response = client.post(add_url(EventPage, library), data)
    created = Page.objects.filter(slug=NEW_EVENT_SLUG).exists()
    return response, created or refused_get == 200


def edit_joint_draft(client, w):
    data = event_data(title="Черновик: правка партнёра", slug="kraevedcheskie-chteniya")
    del data["action-publish"]
    response = client.post(reverse("wagtailadmin_pages:edit", args=[w.draft]), data)
    return response, _latest_title(w.draft) == "Черновик: правка партнёра"


def library_data(library, **fields):
    data = {
        "title": library.title,
        "slug": library.slug,
        "official_name": "",
        "affiliation": LibraryAffiliation.MUNICIPAL,
        "ownership": OwnershipForm.MUNICIPAL,
        "intro": "Библиотека села Никольское.",
        "image": "",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "catalogue_url": "",
        "opening_hours": "",
        "body": streamfield([]),
        "comments": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


def edit_library_page(client, w):
    library = _page(w.library_a)
    data = library_data(library, title="Никольская библиотека (правка)")
    response = client.post(reverse("wagtailadmin_pages:edit", args=[library.pk]), data)
    return response, _latest_title(w.library_a) == "Никольская библиотека (правка)"


def edit_cooperation_page(client, w):
    cooperation = _page(w.x)
    data = cooperation_data(
        title="Содружество «Никольское» (правка)",
        slug=cooperation.slug,
        settlement_name="Никольское",
        agreement_place="Никольское",
        agreement_signed_on=cooperation.agreement_signed_on.isoformat(),
    )
    del data["action-publish"]
    response = client.post(reverse("wagtailadmin_pages:edit", args=[cooperation.pk]), data)
    return response, _latest_title(w.x) == "Содружество «Никольское» (правка)"


def publish(client, w):
    data = event_data(title=DRAFT_TITLE, slug="kraevedcheskie-chteniya")
    response = client.post(reverse("wagtailadmin_pages:edit", args=[w.draft]), data)
    return response, _page(w.draft).live


def unpublish(client, w):
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[w.live]))
    return response, not _page(w.live).live


def delete_live(client, w):
    response = client.post(reverse("wagtailadmin_pages:delete", args=[w.live]))
    return response, not Page.objects.filter(pk=w.live).exists()


def bulk_delete_live(client, w):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    response = client.post(f"{url}?id={w.live}", {})
    return response, not Page.objects.filter(pk=w.live).exists()


def delete_draft(client, w):
    response = client.post(reverse("wagtailadmin_pages:delete", args=[w.draft]))
    return response, not Page.objects.filter(pk=w.draft).exists()


def delete_library(client, w):
    response = client.post(reverse("wagtailadmin_pages:delete", args=[w.library_a]))
    return response, not Page.objects.filter(pk=w.library_a).exists()


def move_into_other_corner(client, w):
    response = client.post(reverse("wagtailadmin_pages:move_confirm", args=[w.draft, w.y]))
    return response, _page(w.draft).get_parent().pk == w.y


def move_library(client, w):
    url = reverse("wagtailadmin_pages:move_confirm", args=[w.library_a, w.village_c])
    response = client.post(url)
    return response, _page(w.library_a).get_parent().pk == w.village_c


def copy_into_other_corner(client, w):
    data = {
        "new_title": "Копия семинара",
        "new_slug": "kopiya-seminara",
        "new_parent_page": str(w.y),
        "copy_subpages": "",
        "publish_copies": "",
        "alias": "",
    }
    response = client.post(reverse("wagtailadmin_pages:copy", args=[w.draft]), data)
    return response, Page.objects.filter(slug="kopiya-seminara").exists()


def _workflow_action(client, w, action, data):
    state = _page(w.submitted).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[w.submitted, action, state.pk])
    return client.post(url, data)


def approve_task(client, w):
    response = _workflow_action(client, w, "approve", {})
    return response, _page(w.submitted).live


def reject_task(client, w):
    response = _workflow_action(client, w, "reject", {"comment": "Уточните программу."})
    state = WorkflowState.objects.get(object_id=str(w.submitted))
    return response, state.status == WorkflowState.STATUS_NEEDS_CHANGES


def dashboard_review(client, w):
    """Only the «awaiting your review» panel counts: submitters see their own work elsewhere."""
    response = client.get(reverse("wagtailadmin_home"))
    if response.status_code != 200:
        return response, False
    panel = BeautifulSoup(response.content, "html.parser").select_one('[id^="awaiting-review"]')
    return response, panel is not None and SUBMITTED_TITLE in panel.get_text()


def workflow_report(client, w):
    response = client.get(reverse("wagtailadmin_reports:workflow"))
    return response, _shows(response, SUBMITTED_TITLE)


def membership_requests(client, w):
    response = client.get(reverse("partnerships_membership:requests"))
    return response, _shows(response, JOIN_MESSAGE)


def decide_membership(client, w):
    response = client.post(reverse("partnerships_membership:approve", args=[w.join]))
    status = MembershipChange.objects.get(pk=w.join).status
    return response, status == MembershipChangeStatus.APPROVED


def proposals(client, w):
    response = client.get(reverse("partnerships_submissions:proposals"))
    return response, _shows(response, PROPOSAL_TEXT)


def moderate_proposal(client, w):
    url = reverse("partnerships_submissions:moderate_proposal", args=[w.proposal, "approve"])
    response = client.post(url)
    return response, Proposal.objects.get(pk=w.proposal).status == ProposalStatus.APPROVED


def collection_requests(client, w):
    response = client.get(reverse("partnerships_submissions:collection_requests"))
    return response, _shows(response, REQUEST_ITEM)


def collection_request(client, w):
    url = reverse("partnerships_submissions:collection_request", args=[w.collection_request])
    response = client.get(url)
    return response, _shows(response, REQUEST_ITEM)


def answer_collection_request(client, w):
    url = reverse("partnerships_submissions:collection_request", args=[w.collection_request])
    response = client.post(
        url, {"status": CollectionRequestStatus.ACCEPTED, "reply": "Издание есть, готовим."}
    )
    status = CollectionRequest.objects.get(pk=w.collection_request).status
    return response, status == CollectionRequestStatus.ACCEPTED


def image_chooser_library(client, w):
    response = client.get(reverse("wagtailimages_chooser:choose"))
    return response, _shows(response, IMAGE_A)


def image_chooser_shared(client, w):
    response = client.get(reverse("wagtailimages_chooser:choose"))
    return response, _shows(response, IMAGE_SHARED)


def document_chooser_library(client, w):
    response = client.get(reverse("wagtaildocs_chooser:choose"))
    return response, _shows(response, DOCUMENT_A)


def document_chooser_shared(client, w):
    response = client.get(reverse("wagtaildocs_chooser:choose"))
    return response, _shows(response, DOCUMENT_SHARED)


def image_listing_library(client, w):
    response = client.get(reverse("wagtailimages:index"))
    return response, _shows(response, IMAGE_A)


def document_listing_library(client, w):
    response = client.get(reverse("wagtaildocs:index"))
    return response, _shows(response, DOCUMENT_A)


UPLOADED = "Загружено в чужую коллекцию"


def upload_image_library(client, w):
    image = SimpleUploadedFile("foto.png", get_test_image_file().file.getvalue(), "image/png")
    data = {"title": UPLOADED, "file": image, "collection": str(w.collection_a), "tags": ""}
    response = client.post(reverse("wagtailimages:add"), data)
    landed = get_image_model().objects.filter(title=UPLOADED, collection_id=w.collection_a)
    return response, landed.exists()


def upload_document_library(client, w):
    upload = SimpleUploadedFile("plan.txt", "План работы".encode(), "text/plain")
    data = {"title": UPLOADED, "file": upload, "collection": str(w.collection_a), "tags": ""}
    response = client.post(reverse("wagtaildocs:add"), data)
    landed = get_document_model().objects.filter(title=UPLOADED, collection_id=w.collection_a)
    return response, landed.exists()


def edit_image_library(client, w):
    image = get_image_model().objects.get(pk=w.images["a"])
    data = {"title": "Переименовано", "collection": str(image.collection_id), "tags": ""}
    response = client.post(reverse("wagtailimages:edit", args=[image.pk]), data)
    return response, get_image_model().objects.get(pk=image.pk).title == "Переименовано"


def delete_image_library(client, w):
    response = client.post(reverse("wagtailimages:delete", args=[w.images["a"]]))
    return response, not get_image_model().objects.filter(pk=w.images["a"]).exists()


ACTIONS = {
    "draft_in_editor": Action(draft_in_editor),
    "draft_preview": Action(draft_preview),
    "draft_public_url": Action(draft_public_url, {404}),
    "library_draft_preview": Action(library_draft_preview),
    "draft_in_page_chooser": Action(draft_in_page_chooser, REFUSED_OR_FILTERED),
    "draft_in_explorer": Action(draft_in_explorer, REFUSED_OR_FILTERED),
    "draft_in_admin_search": Action(draft_in_admin_search, REFUSED_OR_FILTERED),
    "draft_in_chooser_search": Action(draft_in_chooser_search, REFUSED_OR_FILTERED),
    "draft_in_admin_api": Action(draft_in_admin_api, {*REFUSED_OR_FILTERED, 400, 404}),
    "draft_in_site_history": Action(draft_in_site_history, REFUSED_OR_FILTERED),
    "draft_history": Action(draft_history),
    "add_under_cooperation": Action(add_under_cooperation),
    "add_under_library": Action(add_under_library),
    "edit_joint_draft": Action(edit_joint_draft),
    "edit_library_page": Action(edit_library_page),
    "edit_cooperation_page": Action(edit_cooperation_page),
    "publish": Action(publish),
    "unpublish": Action(unpublish),
    "delete_live": Action(delete_live),
    "bulk_delete_live": Action(bulk_delete_live),
    "delete_draft": Action(delete_draft),
    "delete_library": Action(delete_library),
    "move_into_other_corner": Action(move_into_other_corner),
    "move_library": Action(move_library),
    "copy_into_other_corner": Action(copy_into_other_corner, REFUSED_OR_FORM_ERROR),
    "approve_task": Action(approve_task),
    "reject_task": Action(reject_task),
    "dashboard_review": Action(dashboard_review, REFUSED_OR_FILTERED),
    "workflow_report": Action(workflow_report, REFUSED_OR_FILTERED),
    "membership_requests": Action(membership_requests, REFUSED_OR_FILTERED),
    "decide_membership": Action(decide_membership),
    "proposals": Action(proposals, REFUSED_OR_FILTERED),
    "moderate_proposal": Action(moderate_proposal),
    "collection_requests": Action(collection_requests, REFUSED_OR_FILTERED),
    "collection_request": Action(collection_request),
    "answer_collection_request": Action(answer_collection_request),
    "image_chooser_library": Action(image_chooser_library, REFUSED_OR_FILTERED),
    "image_chooser_shared": Action(image_chooser_shared, REFUSED_OR_FILTERED),
    "document_chooser_library": Action(document_chooser_library, REFUSED_OR_FILTERED),
    "document_chooser_shared": Action(document_chooser_shared, REFUSED_OR_FILTERED),
    "image_listing_library": Action(image_listing_library, REFUSED_OR_FILTERED),
    "document_listing_library": Action(document_listing_library, REFUSED_OR_FILTERED),
    "upload_image_library": Action(upload_image_library, REFUSED_OR_FILTERED),
    "upload_document_library": Action(upload_document_library, REFUSED_OR_FILTERED),
    "edit_image_library": Action(edit_image_library),
    "delete_image_library": Action(delete_image_library),
}


# --- The tests --------------------------------------------------------------------------------


def snapshot():
    """What a refused action must leave as it was."""
    pages = Page.objects.order_by("pk")
    return {
        "pages": list(pages.values_list("pk", "path", "live", "title", "live_revision_id")),
        "drafts": list(
            pages.values_list("pk", "draft_title", "latest_revision_id", "has_unpublished_changes")
        ),
        "workflow_states": list(WorkflowState.objects.order_by("pk").values_list("pk", "status")),
        "memberships": list(MembershipChange.objects.order_by("pk").values_list("pk", "status")),
        "proposals": list(Proposal.objects.order_by("pk").values_list("pk", "status")),
        "requests": list(CollectionRequest.objects.order_by("pk").values_list("pk", "status")),
        "image_titles": list(get_image_model().objects.order_by("pk").values_list("pk", "title")),
        "images_a": list(
            get_image_model()
            .objects.filter(collection__library_team__isnull=False)
            .order_by("pk")
            .values_list("pk", "collection_id")
        ),
        "documents_a": list(
            get_document_model()
            .objects.filter(collection__library_team__isnull=False)
            .order_by("pk")
            .values_list("pk", "collection_id")
        ),
    }


def test_matrix_covers_every_action_and_role():
    assert [row[0] for row in MATRIX] == list(ACTIONS)
    assert all(len(row) == 3 + len(ROLES) for row in MATRIX)
    for key in FOOTNOTES:
        action = key[0] if isinstance(key, tuple) else key
        assert action in ACTIONS


@pytest.mark.parametrize(("action", "role", "allowed"), cases())
def test_cell(as_role, world, action, role, allowed):
    client = as_role(role)
    spec = ACTIONS[action]
    before = snapshot()
    response, took_effect = spec.run(client, world)
    status = response.status_code
    assert status < 500, f"{role} → {action}: server error {status}"
    if status == 200 and "form error" in spec.refused_statuses:
        assert response.context["form"].errors, f"{role} → {action}: 200 without an error"
        status = "form error"
    if allowed:
        assert took_effect, f"{role} should be able to: {action} (got {status})"
        return
    assert not took_effect, f"{role} must not be able to: {action} (got {status})"
    assert status in spec.refused_statuses, f"{role} → {action}: refused with {status}"
    if status == 302:
        assert "/admin/login/" in response["Location"] or role != "anonymous"
    after = snapshot()
    if action == "publish":
        # The editor's draft is saved (they may edit), but nothing goes live.
        del before["drafts"], after["drafts"]
    if action.startswith("upload_"):
        # A refused upload is filed into the role's own collection, never into A's.
        assert after["pages"] == before["pages"]
        kind = "images_a" if "image" in action else "documents_a"
        landed_in_a = [pk for pk, collection in after[kind] if collection == world.collection_a]
        assert landed_in_a == [pk for pk, c in before[kind] if c == world.collection_a]
        return
    assert after == before, f"{role} → {action} was refused but changed the database"


# --- Item 7: isolation the matrix's roles cannot show ------------------------------------------


def _api_action(client, page_pk, name, payload):
    url = reverse("wagtailadmin_api:pages:action", args=[page_pk, name])
    return client.post(url, payload, content_type="application/json")


def _bulk_move(client, page_pk, destination_pk):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"])
    return client.post(f"{url}?id={page_pk}", {"chooser": str(destination_pk)})


@pytest.mark.parametrize("second_hat", ["moderator of Y", "editor of C"])
def test_rights_in_both_corners_do_not_carry_content_across(as_role, world, second_hat):
    """Someone who works in X and in Y still cannot move or copy X's draft into Y, by any door:
    the move and copy views, the bulk move, the admin API's move, copy and alias actions."""
    from django.contrib.auth import get_user_model

    from partnerships.teams import provision_cooperation, provision_library

    role = "moderator_x" if second_hat == "moderator of Y" else "editor_a"
    person = get_user_model().objects.get(pk=world.users[role])
    if second_hat == "moderator of Y":
        group = provision_cooperation(CooperationPage.objects.get(pk=world.y)).moderators
    else:
        library_c = LibraryPage.objects.get(title="Покровская сельская библиотека")
        group = provision_library(library_c).editors
    person.groups.add(group)
    client = as_role(role)
    # Without the corner rule Wagtail itself would allow it: the person may add pages in Y.
    y_page = CooperationPage.objects.get(pk=world.y)
    assert y_page.permissions_for_user(person).can_add_subpage()
    before = snapshot()

    response, moved = move_into_other_corner(client, world)
    assert response.status_code in REFUSED and not moved
    response, copied = copy_into_other_corner(client, world)
    assert response.status_code in REFUSED_OR_FILTERED and not copied
    assert response.status_code != 200 or response.context["form"].errors
    response = _bulk_move(client, world.draft, world.y)
    assert response.status_code in REFUSED_OR_FILTERED
    response = _api_action(client, world.draft, "move", {"destination_page_id": world.y})
    assert response.status_code in {400, 403, 404}
    response = _api_action(
        client, world.draft, "copy", {"destination_page_id": world.y, "slug": "kopiya-api"}
    )
    assert response.status_code in {400, 403, 404}
    response = _api_action(
        client,
        world.draft,
        "create_alias",
        {"destination_page_id": world.y, "update_slug": "alias-api"},
    )
    assert response.status_code in {400, 403, 404}
    assert _page(world.draft).get_parent().pk == world.x
    assert snapshot() == before


# --- The docs ---------------------------------------------------------------------------------

MATRIX_START = "<!-- permission-matrix:start -->"
MATRIX_END = "<!-- permission-matrix:end -->"
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def render_matrix():
    """The Markdown table of MATRIX with its footnotes, as docs/permissions.md holds it."""
    notes = []

    def mark(key):
        if key not in FOOTNOTES:
            return ""
        if key not in notes:
            notes.append(key)
        return str(notes.index(key) + 1).translate(SUPERSCRIPTS)

    header = ["Action", *(ROLE_HEADINGS[role] for role in ROLES)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" + ":---:|" * len(ROLES),
    ]
    group = None
    for action, row_group, label, *cells in MATRIX:
        if row_group != group:
            group = row_group
            lines.append(f"| **{group}** |" + " |" * len(ROLES))
        row = [label + mark(action)]
        for role, allowed in zip(ROLES, cells, strict=True):
            cell = ("✓" if allowed else "✗") + mark((action, role))
            if (action, role) in HOLES:
                cell += " (open)"
            row.append(cell)
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    for number, key in enumerate(notes, start=1):
        lines.append(f"{number}. {FOOTNOTES[key]}")
    if HOLES:
        lines.append("")
        lines.append("Open cells (the code does not yet do what the table says):")
        lines.append("")
        for (action, role), reason in HOLES.items():
            lines.append(f"- `{action}` for {ROLE_HEADINGS[role]}: {reason}")
    return "\n".join(lines)


def test_docs_table_is_rendered_from_the_matrix():
    text = DOCS.read_text(encoding="utf-8")
    assert MATRIX_START in text and MATRIX_END in text
    written = text.split(MATRIX_START, 1)[1].split(MATRIX_END, 1)[0].strip()
    assert written == render_matrix(), (
        "docs/permissions.md is out of step with MATRIX: paste the output of "
        "`python -c 'import test_permission_matrix as m; print(m.render_matrix())'` (from tests/)"
    )
