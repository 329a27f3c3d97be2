from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from . import membership_views, submission_views  # noqa: F401  (their hooks register on import)
from .teams import cooperations_worked_in, is_hub_admin, libraries_of
from .viewsets import ReferenceDataViewSetGroup

register_snippet(ReferenceDataViewSetGroup)


@hooks.register("register_log_actions")
def register_team_log_actions(actions):
    actions.register_action(
        "partnerships.rights_granted",
        _("Права выданы"),
        _("Редакторы библиотеки получили права в содружестве"),
    )
    actions.register_action(
        "partnerships.rights_revoked",
        _("Права отозваны"),
        _("Редакторы библиотеки лишились прав в содружестве"),
    )
    actions.register_action(
        "partnerships.party_approved",
        _("Согласовано стороной"),
        _("Модератор согласовал материал от имени библиотеки-партнёра"),
    )


@hooks.register("construct_page_chooser_queryset")
def hide_other_corners_drafts(pages, request):
    """Editors choose published pages, and drafts only from their own corners."""
    user = request.user
    if is_hub_admin(user):
        return pages
    corners = [
        *libraries_of(user).values_list("path", flat=True),
        *cooperations_worked_in(user).values_list("path", flat=True),
    ]
    mine = Q()
    for path in corners:
        mine |= Q(path__startswith=path)
    return pages.filter(Q(live=True) | mine) if corners else pages.filter(live=True)


@hooks.register("before_copy_page")
def refuse_copy_without_destination(request, page):
    """A copy form posted without a valid destination is a bad request, not a server error."""
    if request.method != "POST":
        return None
    destination = request.POST.get("new_parent_page", "")
    if not destination.isdigit() or not Page.objects.filter(pk=destination).exists():
        return HttpResponseBadRequest(_("Не выбран раздел, в который копировать страницу."))
    return None
