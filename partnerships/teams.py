"""Who may do what: provisioning editors, moderators and the hub administrators.

Onboarding is one idempotent step, like an add-on's install profile: a library gets its
editors' group, its own collection and rights on its page; a cooperation gets its moderators'
group and its moderation workflow. Rights in a cooperation follow its membership history:
`sync_membership_rights` runs whenever an approved history row changes (a signal handler).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import get_active_log_context, log
from wagtail.log_actions import registry as log_registry
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    PageLogEntry,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import CooperationPage, CooperationTeam, LibraryPage, LibraryTeam, MembershipChange
from .models.teams import ModerationTask

GROUP_NAME_LENGTH = 150

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
MEMBER_PAGE_PERMISSIONS = ("add_page", "change_page")
MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
HUB_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
)
OWN_COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "delete_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "delete_document", "choose_document"),
}
SHARED_COLLECTION_PERMISSIONS = {
    "wagtailimages": ("choose_image",),
    "wagtaildocs": ("choose_document",),
}
MODERATOR_SHARED_PERMISSIONS = {
    "wagtailimages": ("add_image", "choose_image"),
    "wagtaildocs": ("add_document", "choose_document"),
}
HUB_MODEL_PERMISSIONS = {
    "partnerships": None,
    "wagtailsearchpromotions": None,
    "wagtailcore": ("add_workflow", "change_workflow", "add_task", "change_task"),
    "auth": ("add_user", "change_user", "view_group"),
}


def hub_admins_group_name():
    return getattr(settings, "PARTNERSHIPS_HUB_ADMINS_GROUP", None) or _("Администраторы хаба")


def shared_collection_name():
    return _("Общие материалы")


def libraries_collection_name():
    return _("Библиотеки")


def archive_collection_name():
    return _("Архив удалённых библиотек")


def hub_admins_group():
    group, _created = Group.objects.get_or_create(name=hub_admins_group_name())
    return group


def is_hub_admin(user):
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_partnerships_hub_admin", None)
    if cached is None:
        cached = user.groups.filter(name=hub_admins_group_name()).exists()
        user._partnerships_hub_admin = cached
    return cached


def libraries_of(user):
    """The libraries whose editors' group the user belongs to."""
    if not user.is_authenticated or not user.is_active:
        return LibraryPage.objects.none()
    return LibraryPage.objects.filter(team__editors__in=user.groups.all())


def cooperations_moderated_by(user):
    if not user.is_authenticated or not user.is_active:
        return CooperationPage.objects.none()
    if is_hub_admin(user):
        return CooperationPage.objects.all()
    return CooperationPage.objects.filter(team__moderators__in=user.groups.all())


def cooperations_worked_in(user):
    """Cooperations the user moderates, or where a library they edit is a current party."""
    if not user.is_authenticated or not user.is_active:
        return CooperationPage.objects.none()
    if is_hub_admin(user):
        return CooperationPage.objects.all()
    memberships = MembershipChange.objects.current().filter(library__in=libraries_of(user))
    return CooperationPage.objects.filter(
        Q(team__moderators__in=user.groups.all()) | Q(pk__in=memberships.values("cooperation_id"))
    ).distinct()


def library_editors(library):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__library_team__library=library)
        .distinct()
    )


def cooperation_moderators(cooperation):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__cooperation_team__cooperation=cooperation)
        .distinct()
    )


# --- Building blocks --------------------------------------------------------------------------

# Libraries provisioned per round of queries: keeps every IN list well under SQLite's limit.
BATCH_SIZE = 500


def _granted_permission_keys():
    """Every (app_label, codename) that provisioning grants to a group, a page or a collection."""
    keys = {("wagtailadmin", "access_admin")}
    for codenames in (
        EDITOR_PAGE_PERMISSIONS,
        MEMBER_PAGE_PERMISSIONS,
        MODERATOR_PAGE_PERMISSIONS,
        HUB_PAGE_PERMISSIONS,
    ):
        keys.update(("wagtailcore", codename) for codename in codenames)
    for table in (
        OWN_COLLECTION_PERMISSIONS,
        SHARED_COLLECTION_PERMISSIONS,
        MODERATOR_SHARED_PERMISSIONS,
    ):
        for app_label, codenames in table.items():
            keys.update((app_label, codename) for codename in codenames)
    return keys


class Reads:
    """What one provisioning run reads once and shares: the permissions it grants, the shared
    collection and the library teams it has already seen to.

    Made for each call and dropped after it, never kept in the module: a test, a migration or
    another site may have recreated those rows since.
    """

    def __init__(self):
        self._permissions = None
        self._shared_collection = None
        self.library_teams = {}

    def permission(self, app_label, codename):
        if self._permissions is None:
            keys = _granted_permission_keys()
            rows = Permission.objects.select_related("content_type").filter(
                content_type__app_label__in={key[0] for key in keys},
                codename__in={key[1] for key in keys},
            )
            self._permissions = {(row.content_type.app_label, row.codename): row for row in rows}
        found = self._permissions.get((app_label, codename))
        if found is None:
            found = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            self._permissions[app_label, codename] = found
        return found

    def permission_ids(self, app_label, codenames):
        return [self.permission(app_label, codename).pk for codename in codenames]

    def shared_collection(self):
        if self._shared_collection is None:
            self._shared_collection = shared_collection()
        return self._shared_collection


def _free_name(base, instance_pk, holder_pk, own_pk=None):
    """The readable name, with the page's number added only when another group has it."""
    name = base[:GROUP_NAME_LENGTH]
    if holder_pk is not None and holder_pk != own_pk:
        suffix = f" №{instance_pk}"
        name = base[: GROUP_NAME_LENGTH - len(suffix)] + suffix
    return name


def _unique_group_name(base, instance_pk, current=None):
    holder = Group.objects.filter(name=base[:GROUP_NAME_LENGTH]).values_list("pk", flat=True)
    return _free_name(base, instance_pk, holder.first(), current.pk if current else None)


def _named_group(group, name):
    if group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    return group


def _bulk_create(model, objects, key):
    """bulk_create, and the primary keys even where the database does not return them."""
    objects = model.objects.bulk_create(objects)
    unnumbered = [item for item in objects if item.pk is None]
    if unnumbered:
        values = [getattr(item, key) for item in unnumbered]
        pks = dict(model.objects.filter(**{f"{key}__in": values}).values_list(key, "pk"))
        for item in unnumbered:
            item.pk = pks[getattr(item, key)]
    return objects


def _create_missing(model, fields, rows):
    """Insert those of `rows` (tuples of ids in the order of `fields`) not there yet.

    What get_or_create did row by row, in two queries: the same rows, in the same order.
    """
    rows = list(dict.fromkeys(rows))
    if not rows:
        return []
    lookups = {f"{field}__in": {row[i] for row in rows} for i, field in enumerate(fields)}
    existing = set(model.objects.filter(**lookups).values_list(*fields))
    missing = [row for row in rows if row not in existing]
    return model.objects.bulk_create(
        [model(**dict(zip(fields, row, strict=True))) for row in missing]
    )


def _grant_groups(rows):
    """Model permissions: rows of (group_id, permission_id)."""
    return _create_missing(Group.permissions.through, ("group_id", "permission_id"), rows)


def _grant_pages(rows):
    """Page permissions: rows of (group_id, page_id, permission_id)."""
    return _create_missing(GroupPagePermission, ("group_id", "page_id", "permission_id"), rows)


def _grant_collections(rows):
    """Collection permissions: rows of (group_id, collection_id, permission_id)."""
    return _create_missing(
        GroupCollectionPermission, ("group_id", "collection_id", "permission_id"), rows
    )


def _collection_rows(reads, group_id, collection_id, permissions):
    return [
        (group_id, collection_id, reads.permission(app_label, codename).pk)
        for app_label, codenames in permissions.items()
        for codename in codenames
    ]


def _attach_workflow(page_ids, workflow):
    """Each page's workflow link set to `workflow`, as update_or_create left it page by page."""
    page_ids = list(dict.fromkeys(page_ids))
    if not page_ids:
        return
    current = dict(
        WorkflowPage.objects.filter(page_id__in=page_ids).values_list("page_id", "workflow_id")
    )
    stale = [pk for pk in page_ids if pk in current and current[pk] != workflow.pk]
    if stale:
        WorkflowPage.objects.filter(page_id__in=stale).update(workflow=workflow)
    WorkflowPage.objects.bulk_create(
        [WorkflowPage(page_id=pk, workflow=workflow) for pk in page_ids if pk not in current]
    )


def _log_each(instance, action, user, entries):
    """One log entry on `instance` for each data dict in `entries`.

    A single entry goes through wagtail.log_actions.log; many are written in one query with
    the fields log() would give each (the user and uuid of the active log context included).
    """
    if len(entries) <= 1:
        for data in entries:
            log(instance=instance, action=action, user=user, data=data)
        return
    model = log_registry.get_log_model_for_instance(instance)
    if model is None:
        return
    context = get_active_log_context()
    common = {
        "content_type": ContentType.objects.get_for_model(instance, for_concrete_model=False),
        "label": model.objects.get_instance_title(instance),
        "action": action,
        "timestamp": timezone.now(),
        "user": user or context.user,
        "uuid": context.uuid,
    }
    if issubclass(model, PageLogEntry):
        common["page"] = instance
    else:
        common["object_id"] = str(instance.pk)
    model.objects.bulk_create([model(data=data, **common) for data in entries])


def _child_collection(parent, name):
    existing = parent.get_children().filter(name=name).first()
    return existing or parent.add_child(name=name)


def _add_collections(parent, names):
    """New children of `parent`, in name order as Collection.node_order_by places them.

    treebeard adds a sorted child by shifting every sibling to its right, one UPDATE each: at
    thousands of libraries that is millions of statements. Here the new children go in at
    once and the level is renumbered by the database's own name order (ties keep the older
    child first, as treebeard does), in a few bulk writes.
    """
    if len(names) <= 1:
        return [parent.add_child(name=name) for name in names]
    depth = parent.depth + 1
    added = _bulk_create(
        Collection,
        [
            Collection(name=name, path=f"~{parent.path}~{index:07d}", depth=depth, numchild=0)
            for index, name in enumerate(names)
        ],
        "path",
    )
    Collection.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(added))
    parent.numchild += len(added)
    level = Collection.objects.filter(
        Q(depth=depth, path__startswith=parent.path) | Q(pk__in=[node.pk for node in added])
    )
    rows = list(level.order_by("name").values_list("pk", "name", "path"))
    # Names in the database's collation; among equal names the older children first, by path,
    # then the new ones in the order given (a temporary path sorts differently per collation).
    rank = {}
    for _pk, name, _path in rows:
        rank.setdefault(name, len(rank))
    new_index = {node.pk: index for index, node in enumerate(added)}
    rows.sort(key=lambda row: (rank[row[1]], row[0] in new_index, new_index.get(row[0], 0), row[2]))
    moves = {}
    for position, (pk, _name, path) in enumerate(rows, start=1):
        target = Collection._get_path(parent.path, depth, position)
        if path != target:
            moves[pk] = (path, target)
    new_pks = set(new_index)
    moved = {pk: paths for pk, paths in moves.items() if pk not in new_pks}
    final = {pk: target for pk, (_path, target) in moves.items()}
    if moved:
        # Their branches move with them; first out of the way, as paths are unique.
        prefixes = dict(moved.values())
        branches = Collection.objects.filter(
            path__startswith=parent.path, depth__gt=depth
        ).values_list("pk", "path")
        for pk, path in branches:
            prefix = path[: len(parent.path) + Collection.steplen]
            if prefix in prefixes:
                final[pk] = prefixes[prefix] + path[len(prefix) :]
        Collection.objects.bulk_update(
            [Collection(pk=pk, path="~" + final[pk]) for pk in final if pk not in new_pks],
            ["path"],
        )
    Collection.objects.bulk_update(
        [Collection(pk=pk, path=path) for pk, path in final.items()], ["path"]
    )
    for node in added:
        node.path = final.get(node.pk, node.path)
    return added


def shared_collection():
    return _child_collection(Collection.get_first_root_node(), shared_collection_name())


def _translations(page):
    """A page and its translations: permissions and workflows are path-based (STACK-NOTES)."""
    return [page, *page.get_translations()]


def _translation_ids(pages):
    """For each page (by pk), its own pk and its translations' pks, read in one query."""
    by_key = {}
    rows = Page.objects.filter(translation_key__in={page.translation_key for page in pages})
    for pk, key in rows.values_list("pk", "translation_key"):
        by_key.setdefault(key, []).append(pk)
    return {
        page.pk: [page.pk, *(pk for pk in by_key.get(page.translation_key, ()) if pk != page.pk)]
        for page in pages
    }


def source_of(page):
    """The page in the default language: its team answers for every translation of it."""
    if _is_source(page):
        return page
    source = (
        type(page)
        .objects.filter(translation_key=page.translation_key, locale=Locale.get_default())
        .first()
    )
    return source or page


def _is_source(page):
    """Teams belong to the page in the default language; translations share its team."""
    return page.locale_id == Locale.get_default().pk


# --- Libraries --------------------------------------------------------------------------------


def library_group_name(library):
    return _("Редакторы: %(library)s") % {"library": library.title}


def provision_library(library, reads=None):
    """The library's editors, its collection and their rights; safe to run again."""
    return provision_libraries([library], reads)[library.pk]


@transaction.atomic
def provision_libraries(libraries, reads=None):
    """Teams for many libraries, a fixed number of queries per BATCH_SIZE of them.

    The same groups, names, collections and grants as provisioning them one at a time, in
    the same order (a later library of the same name gets the numbered group). Returns
    {library pk: its LibraryTeam}.
    """
    reads = reads or Reads()
    libraries = list({library.pk: library for library in libraries}.values())
    todo = [library for library in libraries if library.pk not in reads.library_teams]
    for start in range(0, len(todo), BATCH_SIZE):
        _provision_library_batch(todo[start : start + BATCH_SIZE], reads)
    return {library.pk: reads.library_teams[library.pk] for library in libraries}


def _provision_library_batch(libraries, reads):
    teams = {
        team.library_id: team
        for team in LibraryTeam.objects.select_related("editors", "collection").filter(
            library__in=libraries
        )
    }
    bases = {library.pk: library_group_name(library) for library in libraries}
    holders = dict(
        Group.objects.filter(
            name__in={base[:GROUP_NAME_LENGTH] for base in bases.values()}
        ).values_list("name", "pk")
    )
    names = {}
    for library in libraries:
        base = bases[library.pk]
        team = teams.get(library.pk)
        holder = holders.get(base[:GROUP_NAME_LENGTH])
        if team is None:
            names[library.pk] = name = _free_name(base, library.pk, holder)
            holders.setdefault(name, 0)  # taken by a group about to be made
            continue
        name = _free_name(base, library.pk, holder, team.editors_id)
        if team.editors.name != name:
            if holders.get(team.editors.name) == team.editors_id:
                del holders[team.editors.name]
            _named_group(team.editors, name)
            holders[name] = team.editors_id
        if team.collection.name != library.title[:255]:
            team.collection.name = library.title[:255]
            team.collection.save(update_fields=["name"])
    new = [library for library in libraries if library.pk not in teams]
    if new:
        groups = _bulk_create(Group, [Group(name=names[library.pk]) for library in new], "name")
        parent = _child_collection(Collection.get_first_root_node(), libraries_collection_name())
        collections = _add_collections(parent, [library.title[:255] for library in new])
        created = _bulk_create(
            LibraryTeam,
            [
                LibraryTeam(library=library, editors=group, collection=collection)
                for library, group, collection in zip(new, groups, collections, strict=True)
            ],
            "library_id",
        )
        teams.update((team.library_id, team) for team in created)

    access = reads.permission("wagtailadmin", "access_admin").pk
    editing = reads.permission_ids("wagtailcore", EDITOR_PAGE_PERMISSIONS)
    shared = reads.shared_collection()
    translations = _translation_ids(libraries)
    group_rows, page_rows, collection_rows = [], [], []
    for library in libraries:
        team = teams[library.pk]
        group_rows.append((team.editors_id, access))
        page_rows += [
            (team.editors_id, page_id, permission_id)
            for page_id in translations[library.pk]
            for permission_id in editing
        ]
        collection_rows += _collection_rows(
            reads, team.editors_id, team.collection_id, OWN_COLLECTION_PERMISSIONS
        )
        collection_rows += _collection_rows(
            reads, team.editors_id, shared.pk, SHARED_COLLECTION_PERMISSIONS
        )
        reads.library_teams[library.pk] = team
    _grant_groups(group_rows)
    _grant_pages(page_rows)
    _grant_collections(collection_rows)


def retire_library_team(team):
    """A deleted library leaves no group behind; its files go to the archive, not to waste."""
    root = Collection.get_first_root_node()
    collection = Collection.objects.filter(pk=team.collection_id).first()
    if collection is not None:
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        archive = _child_collection(root, archive_collection_name())
        for model in (get_image_model(), get_document_model()):
            model.objects.filter(collection=collection).update(collection=archive)
        collection.delete()
    Group.objects.filter(pk=team.editors_id).delete()


# --- Cooperations -----------------------------------------------------------------------------


def cooperation_group_name(cooperation):
    return _("Модераторы: %(cooperation)s") % {"cooperation": cooperation.title}


def cooperation_workflow_name(cooperation):
    return _("Модерация: %(cooperation)s") % {"cooperation": cooperation.title}


@transaction.atomic
def provision_cooperation(cooperation, reads=None):
    """The moderators' group and the workflow over the cooperation; safe to run again."""
    reads = reads or Reads()
    team = CooperationTeam.objects.select_related("moderators", "workflow").filter(
        cooperation=cooperation
    )
    team = team.first()
    workflow_name = cooperation_workflow_name(cooperation)[:255]
    if team is None:
        group = Group.objects.create(
            name=_unique_group_name(cooperation_group_name(cooperation), cooperation.pk)
        )
        workflow = Workflow.objects.create(name=workflow_name)
        team = CooperationTeam.objects.create(
            cooperation=cooperation, moderators=group, workflow=workflow
        )
    else:
        name = cooperation_group_name(cooperation)
        _named_group(team.moderators, _unique_group_name(name, cooperation.pk, team.moderators))
        if team.workflow.name != workflow_name:
            team.workflow.name = workflow_name
            team.workflow.save(update_fields=["name"])
    group = team.moderators
    _grant_groups([(group.pk, reads.permission("wagtailadmin", "access_admin").pk)])
    task = ModerationTask.objects.filter(cooperation=cooperation).first()
    task_name = (_("Утверждение: %(cooperation)s") % {"cooperation": cooperation.title})[:255]
    if task is None:
        task = ModerationTask.objects.create(name=task_name, cooperation=cooperation)
    elif task.name != task_name:
        task.name = task_name
        task.save(update_fields=["name"])
    task.groups.set([group])
    WorkflowTask.objects.get_or_create(
        workflow=team.workflow, task=task, defaults={"sort_order": 0}
    )
    page_ids = [page.pk for page in _translations(cooperation)]
    moderating = reads.permission_ids("wagtailcore", MODERATOR_PAGE_PERMISSIONS)
    _grant_pages(
        (group.pk, page_id, permission_id) for page_id in page_ids for permission_id in moderating
    )
    _attach_workflow(page_ids, team.workflow)
    _grant_collections(
        _collection_rows(
            reads, group.pk, reads.shared_collection().pk, MODERATOR_SHARED_PERMISSIONS
        )
    )
    return team


def retire_cooperation_team(team):
    Workflow.objects.filter(pk=team.workflow_id).delete()
    Group.objects.filter(pk=team.moderators_id).delete()


@transaction.atomic
def sync_membership_rights(cooperation, user=None, reads=None):
    """Give the current members' editors their rights in the cooperation; take others' away.

    Every member library gets the same rights (equality, §1.8); a library that has left loses
    them at once. Each grant and each withdrawal is written to the cooperation's history.
    The cost does not grow with the number of members (a few queries per BATCH_SIZE).
    """
    reads = reads or Reads()
    team = provision_cooperation(cooperation, reads)
    member_ids = set(
        MembershipChange.objects.current()
        .filter(cooperation=cooperation)
        .values_list("library_id", flat=True)
    )
    members = list(LibraryPage.objects.filter(pk__in=member_ids).select_related("settlement"))
    page_ids = [page.pk for page in _translations(cooperation)]
    codenames = reads.permission_ids("wagtailcore", MEMBER_PAGE_PERMISSIONS)
    granted_to = set(
        GroupPagePermission.objects.filter(
            page=cooperation, permission_id__in=codenames, group__library_team__isnull=False
        ).values_list("group_id", flat=True)
    )
    library_teams = provision_libraries(members, reads)
    _grant_pages(
        (library_teams[library.pk].editors_id, page_id, permission_id)
        for library in members
        for page_id in page_ids
        for permission_id in codenames
    )
    translations = _translation_ids(members)
    _attach_workflow(
        [page_id for library in members for page_id in translations[library.pk]], team.workflow
    )
    _log_each(
        cooperation,
        "partnerships.rights_granted",
        user,
        [
            {"library": library.title, "group": library_teams[library.pk].editors.name}
            for library in members
            if library_teams[library.pk].editors_id not in granted_to
        ],
    )
    leaving = list(
        LibraryTeam.objects.filter(editors_id__in=granted_to)
        .exclude(library_id__in=member_ids)
        .select_related("library", "editors")
    )
    if leaving:
        GroupPagePermission.objects.filter(
            group_id__in=[library_team.editors_id for library_team in leaving],
            page_id__in=page_ids,
            permission_id__in=codenames,
        ).delete()
        translations = _translation_ids([library_team.library for library_team in leaving])
        WorkflowPage.objects.filter(
            page_id__in=[page_id for pks in translations.values() for page_id in pks],
            workflow=team.workflow,
        ).delete()
        _log_each(
            cooperation,
            "partnerships.rights_revoked",
            user,
            [
                {"library": library_team.library.title, "group": library_team.editors.name}
                for library_team in leaving
            ],
        )
    cooperation.refresh_level()
    return team


# --- The hub ----------------------------------------------------------------------------------


def hub_workflow_name():
    return _("Модерация хаба")


@transaction.atomic
def provision_hub(site=None):
    """The hub administrators, shared media, the hub's workflow, and every team; idempotent.

    Its cost grows with the number of cooperations, not of libraries: libraries are
    provisioned in batches (see provision_libraries).
    """
    reads = Reads()
    site = site or Site.objects.get(is_default_site=True)
    root = site.root_page
    group = hub_admins_group()
    _grant_groups([(group.pk, reads.permission("wagtailadmin", "access_admin").pk)])
    for app_label, codenames in HUB_MODEL_PERMISSIONS.items():
        permissions = Permission.objects.filter(content_type__app_label=app_label)
        if codenames is not None:
            permissions = permissions.filter(codename__in=codenames)
        group.permissions.add(*permissions)
    root_ids = [page.pk for page in _translations(root)]
    administering = reads.permission_ids("wagtailcore", HUB_PAGE_PERMISSIONS)
    _grant_pages(
        (group.pk, page_id, permission_id)
        for page_id in root_ids
        for permission_id in administering
    )
    _grant_collections(
        _collection_rows(
            reads, group.pk, Collection.get_first_root_node().pk, OWN_COLLECTION_PERMISSIONS
        )
    )
    reads.shared_collection()
    workflow, _created = Workflow.objects.get_or_create(name=hub_workflow_name())
    task = ModerationTask.objects.filter(cooperation=None, groups=group).first()
    if task is None:
        task = ModerationTask.objects.create(name=_("Утверждение администраторами хаба"))
        task.groups.set([group])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    _attach_workflow(root_ids, workflow)

    locale = Locale.get_default()
    libraries = LibraryPage.objects.filter(locale=locale)
    cooperations = CooperationPage.objects.filter(locale=locale)
    provision_libraries(libraries, reads)
    for cooperation in cooperations:
        sync_membership_rights(cooperation, reads=reads)
    return {
        "libraries": libraries.count(),
        "cooperations": cooperations.count(),
        "hub_admins": group.name,
    }


# --- Keeping teams in step with the tree -------------------------------------------------------


def follow_page(page):
    """After a library or a cooperation is saved: provision it, or give a translation its rights."""
    if _is_source(page):
        if isinstance(page, LibraryPage):
            provision_library(page)
        else:
            provision_cooperation(page)
        return
    source = source_of(page)
    if source is page:
        return
    if isinstance(page, LibraryPage):
        provision_library(source)
    else:
        sync_membership_rights(source)


def corner_of(page):
    """The library or the cooperation a page lies in (itself included), or None for the hub."""
    step = Page.steplen
    ancestors = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    corner_types = ContentType.objects.get_for_models(LibraryPage, CooperationPage).values()
    return (
        Page.objects.filter(path__in=ancestors, content_type__in=corner_types)
        .order_by("-depth")
        .first()
    )
