"""Who may do what: provisioning editors, moderators and the hub administrators.

Onboarding is one idempotent step, like an add-on's install profile: a library gets its
editors' group, its own collection and rights on its page; a cooperation gets its moderators'
group and its moderation workflow. Rights in a cooperation follow its membership history:
`sync_membership_rights` is called after every approved join or leave.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
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


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _admin_access():
    return _permission("wagtailadmin", "access_admin")


def _unique_group_name(base, instance_pk, current=None):
    """The readable name, with the page's number added only when another group has it."""
    name = base[:GROUP_NAME_LENGTH]
    clash = Group.objects.filter(name=name)
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if clash.exists():
        suffix = f" №{instance_pk}"
        name = base[: GROUP_NAME_LENGTH - len(suffix)] + suffix
    return name


def _named_group(group, name):
    if group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    return group


def _grant_pages(group, page, codenames):
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )


def _grant_collection(group, collection, permissions):
    for app_label, codenames in permissions.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=_permission(app_label, codename),
            )


def _child_collection(parent, name):
    existing = parent.get_children().filter(name=name).first()
    return existing or parent.add_child(name=name)


def shared_collection():
    return _child_collection(Collection.get_first_root_node(), shared_collection_name())


def _translations(page):
    """A page and its translations: permissions and workflows are path-based (STACK-NOTES)."""
    return [page, *page.get_translations()]


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


@transaction.atomic
def provision_library(library):
    """The library's editors, its collection and their rights; safe to run again."""
    team = LibraryTeam.objects.select_related("editors", "collection").filter(library=library)
    team = team.first()
    if team is None:
        group = Group.objects.create(
            name=_unique_group_name(library_group_name(library), library.pk)
        )
        parent = _child_collection(Collection.get_first_root_node(), libraries_collection_name())
        collection = parent.add_child(name=library.title[:255])
        team = LibraryTeam.objects.create(library=library, editors=group, collection=collection)
    else:
        _named_group(
            team.editors, _unique_group_name(library_group_name(library), library.pk, team.editors)
        )
        if team.collection.name != library.title[:255]:
            team.collection.name = library.title[:255]
            team.collection.save(update_fields=["name"])
    group = team.editors
    group.permissions.add(_admin_access())
    for page in _translations(library):
        _grant_pages(group, page, EDITOR_PAGE_PERMISSIONS)
    _grant_collection(group, team.collection, OWN_COLLECTION_PERMISSIONS)
    _grant_collection(group, shared_collection(), SHARED_COLLECTION_PERMISSIONS)
    return team


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
def provision_cooperation(cooperation):
    """The moderators' group and the workflow over the cooperation; safe to run again."""
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
    group.permissions.add(_admin_access())
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
    for page in _translations(cooperation):
        _grant_pages(group, page, MODERATOR_PAGE_PERMISSIONS)
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": team.workflow})
    _grant_collection(group, shared_collection(), MODERATOR_SHARED_PERMISSIONS)
    return team


def retire_cooperation_team(team):
    Workflow.objects.filter(pk=team.workflow_id).delete()
    Group.objects.filter(pk=team.moderators_id).delete()


@transaction.atomic
def sync_membership_rights(cooperation, user=None):
    """Give the current members' editors their rights in the cooperation; take others' away.

    Every member library gets the same rights (equality, §1.8); a library that has left loses
    them at once. Each grant and each withdrawal is written to the cooperation's history.
    """
    team = provision_cooperation(cooperation)
    member_ids = set(
        MembershipChange.objects.current()
        .filter(cooperation=cooperation)
        .values_list("library_id", flat=True)
    )
    members = LibraryPage.objects.filter(pk__in=member_ids).select_related("settlement")
    pages = _translations(cooperation)
    codenames = [_permission("wagtailcore", codename).pk for codename in MEMBER_PAGE_PERMISSIONS]
    granted_to = set(
        GroupPagePermission.objects.filter(
            page=cooperation, permission_id__in=codenames, group__library_team__isnull=False
        ).values_list("group_id", flat=True)
    )
    for library in members:
        library_team = provision_library(library)
        for page in pages:
            _grant_pages(library_team.editors, page, MEMBER_PAGE_PERMISSIONS)
        for page in _translations(library):
            WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": team.workflow})
        if library_team.editors_id not in granted_to:
            log(
                instance=cooperation,
                action="partnerships.rights_granted",
                user=user,
                data={"library": library.title, "group": library_team.editors.name},
            )
    leaving = LibraryTeam.objects.filter(editors_id__in=granted_to).exclude(
        library_id__in=member_ids
    )
    for library_team in leaving.select_related("library", "editors"):
        GroupPagePermission.objects.filter(
            group=library_team.editors, page__in=pages, permission_id__in=codenames
        ).delete()
        WorkflowPage.objects.filter(
            page__in=_translations(library_team.library), workflow=team.workflow
        ).delete()
        log(
            instance=cooperation,
            action="partnerships.rights_revoked",
            user=user,
            data={"library": library_team.library.title, "group": library_team.editors.name},
        )
    cooperation.refresh_level()
    return team


# --- The hub ----------------------------------------------------------------------------------


def hub_workflow_name():
    return _("Модерация хаба")


@transaction.atomic
def provision_hub(site=None):
    """The hub administrators, shared media, the hub's workflow, and every team; idempotent."""
    site = site or Site.objects.get(is_default_site=True)
    root = site.root_page
    group = hub_admins_group()
    group.permissions.add(_admin_access())
    for app_label, codenames in HUB_MODEL_PERMISSIONS.items():
        permissions = Permission.objects.filter(content_type__app_label=app_label)
        if codenames is not None:
            permissions = permissions.filter(codename__in=codenames)
        group.permissions.add(*permissions)
    for page in _translations(root):
        _grant_pages(group, page, HUB_PAGE_PERMISSIONS)
    _grant_collection(
        group,
        Collection.get_first_root_node(),
        {
            app_label: OWN_COLLECTION_PERMISSIONS[app_label]
            for app_label in OWN_COLLECTION_PERMISSIONS
        },
    )
    shared_collection()
    workflow, _created = Workflow.objects.get_or_create(name=hub_workflow_name())
    task = ModerationTask.objects.filter(cooperation=None, groups=group).first()
    if task is None:
        task = ModerationTask.objects.create(name=_("Утверждение администраторами хаба"))
        task.groups.set([group])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for page in _translations(root):
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})

    locale = Locale.get_default()
    libraries = LibraryPage.objects.filter(locale=locale)
    cooperations = CooperationPage.objects.filter(locale=locale)
    for library in libraries:
        provision_library(library)
    for cooperation in cooperations:
        sync_membership_rights(cooperation)
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
    from django.contrib.contenttypes.models import ContentType

    step = Page.steplen
    ancestors = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    corner_types = ContentType.objects.get_for_models(LibraryPage, CooperationPage).values()
    return (
        Page.objects.filter(path__in=ancestors, content_type__in=corner_types)
        .order_by("-depth")
        .first()
    )
