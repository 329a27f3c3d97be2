"""Admin screens for joining and leaving the Agreement (§1.3, §5.3).

Three audiences: a library's editors file requests for their own library; a cooperation's
moderators decide them; hub administrators record the history as it happened before the
platform existed. Every decision goes through `partnerships.membership`, which keeps the
parties, the rights and the chronicle in step.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views.generic import DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from . import membership, teams
from .choices import MembershipChangeKind, MembershipChangeStatus
from .models import CooperationPage, MembershipChange
from .models.cooperations import membership_history_errors

TEMPLATES = "partnerships/admin/membership/"


def _add_errors(form, error):
    """Put a service's ValidationError on the form: on its field if the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Library editors: filing a request ---------------------------------------------------------


class MembershipRequestForm(forms.Form):
    cooperation = forms.ModelChoiceField(
        queryset=CooperationPage.objects.all(), widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Заявление"),
        choices=MembershipChangeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Выберите: присоединение или выход.")},
    )
    message = forms.CharField(
        label=gettext_lazy("Сообщение содружеству"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "О чём библиотека заявляет: почему присоединяется или выходит (§5.3). "
            "Сообщение будет опубликовано в истории участия."
        ),
        error_messages={
            "required": gettext_lazy("Напишите сообщение: о чём библиотека заявляет содружеству.")
        },
    )


class LibraryMembershipView(WagtailAdminTemplateMixin, TemplateView):
    """Per library the user edits: its namesake cooperation, standing, history, request."""

    template_name = TEMPLATES + "library.html"
    page_title = gettext_lazy("Участие в содружестве")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.libraries = list(
            teams.libraries_of(request.user).select_related("settlement").order_by("title")
        )
        if not self.libraries:
            return HttpResponseForbidden(_("Вы не редактор ни одной библиотеки."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def post(self, request, library_id):
        library = next((item for item in self.libraries if item.pk == library_id), None)
        if library is None:
            return HttpResponseForbidden(_("Вы не редактор этой библиотеки."))
        form = MembershipRequestForm(request.POST)
        if form.is_valid():
            try:
                membership.request_change(
                    library,
                    form.cleaned_data["kind"],
                    form.cleaned_data["message"],
                    request.user,
                    cooperation=form.cleaned_data["cooperation"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Заявка библиотеки «%(library)s» отправлена модераторам содружества.")
                    % {"library": library.title},
                )
                return redirect("partnerships_membership:library")
        return self.render_to_response(
            self.get_context_data(bound_forms={library.pk: form}), status=400
        )

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        bound_forms = bound_forms or {}
        entries = []
        for library in self.libraries:
            cooperation = membership.namesake_cooperation(library)
            entry = {"library": library, "cooperation": cooperation}
            if cooperation is not None:
                member = membership.is_current_member(library, cooperation)
                kind = MembershipChangeKind.LEAVE if member else MembershipChangeKind.JOIN
                entry.update(
                    is_member=member,
                    history=MembershipChange.objects.approved()
                    .filter(cooperation=cooperation, library=library)
                    .order_by("-date", "-pk"),
                    pending=membership.pending_request(library, cooperation),
                    decided=MembershipChange.objects.filter(
                        cooperation=cooperation,
                        library=library,
                        status=MembershipChangeStatus.REJECTED,
                    ).order_by("-decided_at", "-pk")[:3],
                    form=bound_forms.get(library.pk)
                    or MembershipRequestForm(initial={"cooperation": cooperation.pk, "kind": kind}),
                    action_url=reverse("partnerships_membership:file", args=[library.pk]),
                )
            entries.append(entry)
        context["entries"] = entries
        return context


# --- Moderators: deciding requests -------------------------------------------------------------


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Комментарий"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestsView(WagtailAdminTemplateMixin, TemplateView):
    """Pending requests in the cooperations the user moderates."""

    template_name = TEMPLATES + "requests.html"
    page_title = gettext_lazy("Заявки на участие")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        self.cooperations = teams.cooperations_moderated_by(request.user)
        if not self.cooperations.exists():
            return HttpResponseForbidden(_("Вы не модератор ни одного содружества."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, failed=None, **kwargs):
        context = super().get_context_data(**kwargs)
        requests = list(
            MembershipChange.objects.filter(
                status=MembershipChangeStatus.PENDING, cooperation__in=self.cooperations
            )
            .select_related("cooperation", "library__settlement__region", "requested_by")
            .order_by("created_at", "pk")
        )
        for change in requests:
            change.form = failed[1] if failed and failed[0] == change.pk else DecisionForm()
        context["requests"] = requests
        return context


@require_POST
def decide(request, pk, decision):
    """Approve or reject one request; only its cooperation's moderators may."""
    change = get_object_or_404(MembershipChange.objects.select_related("cooperation"), pk=pk)
    if not teams.cooperations_moderated_by(request.user).filter(pk=change.cooperation_id).exists():
        return HttpResponseForbidden(_("Вы не модератор этого содружества."))
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if decision == "approve":
            membership.approve_change(change, request.user, comment)
        else:
            membership.reject_change(change, request.user, comment)
    except ValidationError as error:
        _add_errors(form, error)
        for message in form.non_field_errors():
            messages.error(request, message)
        view = RequestsView()
        view.setup(request)
        view.cooperations = teams.cooperations_moderated_by(request.user)
        return view.render_to_response(view.get_context_data(failed=(change.pk, form)), status=400)
    text = (
        _("Заявка библиотеки «%(library)s» принята.")
        if decision == "approve"
        else _("Заявка библиотеки «%(library)s» отклонена.")
    )
    messages.success(request, text % {"library": change.library.title})
    return redirect("partnerships_membership:requests")


urlpatterns = [
    path("", LibraryMembershipView.as_view(), name="library"),
    path("<int:library_id>/request/", LibraryMembershipView.as_view(), name="file"),
    path("requests/", RequestsView.as_view(), name="requests"),
    path("requests/<int:pk>/approve/", decide, {"decision": "approve"}, name="approve"),
    path("requests/<int:pk>/reject/", decide, {"decision": "reject"}, name="reject"),
]


@hooks.register("register_admin_urls")
def register_membership_urls():
    return [
        path(
            "partnerships/membership/",
            include((urlpatterns, "partnerships_membership"), namespace="partnerships_membership"),
        )
    ]


class LibraryMembershipMenuItem(MenuItem):
    def is_shown(self, request):
        return teams.libraries_of(request.user).exists()


class RequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return teams.cooperations_moderated_by(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_library_membership_menu_item():
    return LibraryMembershipMenuItem(
        gettext_lazy("Участие в содружестве"),
        reverse("partnerships_membership:library"),
        name="partnerships-membership",
        icon_name="group",
        order=250,
    )


@hooks.register("register_admin_menu_item")
def register_membership_requests_menu_item():
    return RequestsMenuItem(
        gettext_lazy("Заявки на участие"),
        reverse("partnerships_membership:requests"),
        name="partnerships-membership-requests",
        icon_name="tasks",
        order=260,
    )


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    messages_by_action = {
        membership.REQUESTED: gettext_lazy("Библиотека подала заявку на участие в Соглашении"),
        membership.APPROVED: gettext_lazy("Модератор принял заявку на участие"),
        membership.REJECTED: gettext_lazy("Модератор отклонил заявку на участие"),
    }
    for action, label in membership.LOG_ACTIONS.items():
        actions.register_action(action, label, messages_by_action[action])


# --- Hub administrators: the history as it happened --------------------------------------------


class MembershipHistoryForm(WagtailAdminModelForm):
    """A row is checked with every other row of its cooperation: the history must hold together."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        change = self.instance
        cooperation = change.cooperation
        others = (
            MembershipChange.objects.filter(cooperation=cooperation)
            .exclude(pk=change.pk)
            .select_related("library")
        )
        errors = membership_history_errors([*others, change], cooperation.agreement_signed_on)
        for row, message in errors:
            self.add_error("date" if row is change else None, message)
        if errors:
            self.add_error(None, _("История участия противоречива: исправьте отмеченные записи."))


class HistoryEditView(EditView):
    """The signal syncs the row's cooperation; a row moved away from another cooperation,
    where it was approved, takes its rights there away too."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.initial_cooperation_id = obj.cooperation_id
        self.initially_approved = obj.status == MembershipChangeStatus.APPROVED
        return obj

    def save_instance(self):
        instance = super().save_instance()
        if self.initially_approved and instance.cooperation_id != self.initial_cooperation_id:
            previous = CooperationPage.objects.filter(pk=self.initial_cooperation_id).first()
            if previous is not None:
                teams.sync_membership_rights(previous, self.request.user)
        return instance


class HistoryDeleteView(DeleteView):
    """Deleting a row must leave a coherent history. The rights follow at once, through the
    post_delete signal, inside this transaction: a refused deletion rolls them back too."""

    def form_valid(self, form):
        cooperation = self.object.cooperation
        edit_url = reverse(self.edit_url_name, args=[self.object.pk])
        success_url = self.get_success_url()
        try:
            with transaction.atomic():
                self.delete_action()
                rest = MembershipChange.objects.filter(cooperation=cooperation).select_related(
                    "library"
                )
                errors = membership_history_errors(rest, cooperation.agreement_signed_on)
                if errors:
                    raise ValidationError([message for _row, message in errors])
        except ValidationError as error:
            messages.error(
                self.request,
                _("Запись не удалена: без неё история участия противоречива. %(errors)s")
                % {"errors": " ".join(error.messages)},
            )
            return redirect(edit_url)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(success_url)


class HistoryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("cooperation", "library")


class MembershipHistoryViewSet(ModelViewSet):
    """Joins and leaves recorded directly by hub administrators (e.g. the founding parties)."""

    model = MembershipChange
    icon = "history"
    menu_label = gettext_lazy("История участия")
    menu_order = 270
    add_to_admin_menu = True
    url_prefix = "partnerships/membership-history"
    index_view_class = HistoryIndexView
    edit_view_class = HistoryEditView
    delete_view_class = HistoryDeleteView
    list_display = ["library", "cooperation", "kind", "date", "status"]
    list_filter = ["cooperation", "kind", "status"]
    ordering = ["-date", "-pk"]
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("cooperation"),
            FieldPanel("library"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("date"), FieldPanel("status")]),
            FieldPanel("message"),
            FieldPanel("decision_comment"),
        ],
        base_form_class=MembershipHistoryForm,
    )


@hooks.register("register_admin_viewset")
def register_membership_history_viewset():
    return MembershipHistoryViewSet("membership_history")
