"""Readers' proposals (§5.2) and collection requests (§4): the public forms and the admin screens.

Public: a cooperation's proposal form with its approved proposals, a partner library's request
form, the reader's private request page, the consent text. Admin: proposals for the moderators
of their cooperations, requests for the editors of their libraries; hub administrators see all,
anyone else gets 403 and no menu item.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import teams
from .choices import CollectionRequestStatus, ProposalStatus
from .consent import CONSENT_TEXTS, CONSENT_VERSION, consent_paragraphs, contact_email
from .models import CollectionRequest, CooperationPage, LibraryPage, Proposal
from .submissions import (
    CollectionRequestForm,
    ProposalForm,
    RequestChangeForm,
    SubmissionLimit,
    create_collection_request,
    create_proposal,
    moderate_proposal,
    next_request_statuses,
)

PROPOSALS_PER_PAGE = 20
ADMIN_ROWS_PER_PAGE = 50

# --- Public views ------------------------------------------------------------------------------


def _consent_context():
    return {
        "consent_version": CONSENT_VERSION,
        "consent_paragraphs": consent_paragraphs(CONSENT_VERSION),
        "consent_url": reverse("partnerships:consent", args=[CONSENT_VERSION]),
    }


def _refused(request, page, status, title, message, retry_after=None):
    response = TemplateResponse(
        request,
        "partnerships/submissions/refused.html",
        {"page": page, "title": title, "message": message},
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _guarded_post(request, page, form):
    """The flood limit and the robot trap; a response when the submission must be refused."""
    limit = SubmissionLimit(request)
    if limit.exceeded:
        return _refused(
            request,
            page,
            429,
            gettext("Слишком много сообщений"),
            gettext(
                "С вашего адреса недавно отправили много сообщений. Подождите несколько минут "
                "и попробуйте снова — то, что вы написали, не сохранено."
            ),
            retry_after=limit.window,
        )
    if form.is_spam:
        limit.count()
        return _refused(
            request,
            page,
            400,
            gettext("Сообщение не принято"),
            gettext(
                "Сообщение не удалось принять. Если вы отправляли его сами, вернитесь к форме "
                "и попробуйте ещё раз."
            ),
        )
    if form.is_valid():
        limit.count()
    return None


def _no_index(response):
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def proposals(request, cooperation_id):
    """A cooperation's approved proposals and the form to send one (§5.2)."""
    # Proposals sent from a translation belong to the cooperation its moderators look after.
    cooperation = teams.source_of(
        get_object_or_404(CooperationPage.objects.live().public(), pk=cooperation_id)
    )
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST)
        refused = _guarded_post(request, cooperation, form)
        if refused:
            return refused
        if form.is_valid():
            create_proposal(cooperation, form)
            messages.success(
                request,
                gettext(
                    "Спасибо! Предложение отправлено модераторам содружества. Оно появится "
                    "здесь после одобрения."
                ),
            )
            return redirect(reverse("partnerships:proposals", args=[cooperation.pk]) + "#thanks")
        status = 400
    else:
        form = ProposalForm()
    approved = Proposal.objects.filter(
        cooperation=cooperation, status=ProposalStatus.APPROVED
    ).only("name", "text", "created_at", "moderated_at")
    page_obj = Paginator(approved, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": cooperation,
        "cooperation": cooperation,
        "form": form,
        "page_obj": page_obj,
        "proposals": page_obj.object_list,
        **_consent_context(),
    }
    return TemplateResponse(
        request, "partnerships/submissions/proposals.html", context, status=status
    )


def _partner_library(library_id):
    """A live library that is now a party to some live cooperation: a partner library (§4)."""
    library = get_object_or_404(
        LibraryPage.objects.live().public().select_related("settlement"), pk=library_id
    )
    if not library.current_cooperations().exists():
        raise Http404
    return library


@require_http_methods(["GET", "HEAD", "POST"])
def collection_request(request, library_id):
    """A reader asks a partner library for an item from its collection (§4)."""
    library = teams.source_of(_partner_library(library_id))
    status = 200
    if request.method == "POST":
        form = CollectionRequestForm(request.POST)
        refused = _guarded_post(request, library, form)
        if refused:
            return refused
        if form.is_valid():
            created = create_collection_request(library, form)
            messages.success(
                request,
                gettext(
                    "Спасибо! Запрос отправлен в библиотеку. Ссылка на эту страницу пришла "
                    "вам на почту: по ней видно, что происходит с запросом."
                ),
            )
            return redirect("partnerships:collection_request_status", token=created.token)
        status = 400
    else:
        form = CollectionRequestForm()
    context = {"page": library, "library": library, "form": form, **_consent_context()}
    return TemplateResponse(
        request, "partnerships/submissions/collection_request.html", context, status=status
    )


@require_http_methods(["GET", "HEAD"])
def collection_request_status(request, token):
    """The reader's private page: whoever holds the link sees the request, nobody else."""
    found = get_object_or_404(
        CollectionRequest.objects.select_related("library__settlement"), token=token
    )
    library = found.library
    context = {
        "page": library if library.live else None,
        "library": library,
        "collection_request": found,
        "statuses": _status_steps(found),
    }
    response = TemplateResponse(request, "partnerships/submissions/request_status.html", context)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return _no_index(response)


def _status_steps(found):
    """The way a request goes (new → accepted → sent, or → declined), with the reader's step."""
    Status = CollectionRequestStatus
    if found.status == Status.DECLINED:
        path = [Status.NEW, Status.DECLINED]
    else:
        path = [Status.NEW, Status.ACCEPTED, Status.SENT]
    reached = path.index(found.status)
    return [
        {"label": value.label, "done": index < reached, "current": index == reached}
        for index, value in enumerate(path)
    ]


@require_http_methods(["GET", "HEAD"])
def consent(request, version):
    """The consent text of a version, at an address that never changes."""
    if version not in CONSENT_TEXTS:
        raise Http404
    context = {
        "version": version,
        "is_current": version == CONSENT_VERSION,
        "current_version": CONSENT_VERSION,
        "paragraphs": consent_paragraphs(version),
        "contact_email": contact_email(),
    }
    return TemplateResponse(request, "partnerships/submissions/consent.html", context)


public_urlpatterns = [
    path("predlozheniya/<int:cooperation_id>/", proposals, name="proposals"),
    path("zapros-v-fond/<int:library_id>/", collection_request, name="collection_request"),
    path(
        "zapros-v-fond/status/<slug:token>/",
        collection_request_status,
        name="collection_request_status",
    ),
    path("soglasie/<str:version>/", consent, name="consent"),
]

# --- Admin views -------------------------------------------------------------------------------


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _forbidden(request):
    """A real 403: Wagtail would turn PermissionDenied into a redirect to the dashboard."""
    return TemplateResponse(
        request, "partnerships/admin/submissions/forbidden.html", {}, status=403
    )


def moderated_cooperations(user):
    return teams.cooperations_moderated_by(user)


def edited_libraries(user):
    if teams.is_hub_admin(user):
        return LibraryPage.objects.all()
    return teams.libraries_of(user)


def may_moderate_proposals(user):
    return teams.is_hub_admin(user) or moderated_cooperations(user).exists()


def may_answer_requests(user):
    return teams.is_hub_admin(user) or teams.libraries_of(user).exists()


def _choice(value, choices):
    return value if value in {choice.value for choice in choices} else ""


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SubmissionIndexView(WagtailAdminTemplateMixin, TemplateView):
    """Submissions to the pages the user answers for, filtered by status and by page."""

    model = None
    owner_field = ""  # the submission's link to its cooperation or library
    statuses = None
    may_view = None
    owners = None  # the user's cooperations or libraries

    def dispatch(self, request, *args, **kwargs):
        if not type(self).may_view(request.user):
            return _forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owners = type(self).owners(self.request.user).order_by("title")
        rows = self.model.objects.filter(**{f"{self.owner_field}__in": owners}).select_related(
            *self.related
        )
        status = _choice(self.request.GET.get("status", ""), self.statuses)
        owner_id = _int_or_none(self.request.GET.get(self.owner_field))
        if status:
            rows = rows.filter(status=status)
        if owner_id:
            rows = rows.filter(**{f"{self.owner_field}_id": owner_id})
        page_obj = Paginator(rows, ADMIN_ROWS_PER_PAGE).get_page(self.request.GET.get("p"))
        # Only pages with submissions: a hub admin's filter would otherwise list every page.
        related_name = self.model._meta.get_field(self.owner_field).remote_field.related_name
        context.update(
            page_obj=page_obj,
            owners=owners.filter(**{f"{related_name}__isnull": False})
            .distinct()
            .only("pk", "title"),
            statuses=self.statuses.choices,
            chosen_status=status,
            chosen_owner=owner_id,
        )
        return context


class ProposalIndexView(SubmissionIndexView):
    """The proposals to the cooperations the user moderates (all of them for hub admins)."""

    template_name = "partnerships/admin/submissions/proposals.html"
    page_title = _("Предложения читателей")
    header_icon = "comment"
    model = Proposal
    owner_field = "cooperation"
    related = ("cooperation", "moderated_by")
    statuses = ProposalStatus
    may_view = may_moderate_proposals
    owners = moderated_cooperations

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            proposals=context["page_obj"].object_list,
            new_status=ProposalStatus.NEW,
            approved_status=ProposalStatus.APPROVED,
            rejected_status=ProposalStatus.REJECTED,
        )
        return context


class ProposalModerateView(View):
    """POST only: approve or reject one proposal of a cooperation the user moderates."""

    actions = {"approve": ProposalStatus.APPROVED, "reject": ProposalStatus.REJECTED}

    def post(self, request, pk, action):
        status = self.actions.get(action)
        if status is None:
            raise Http404
        proposal = get_object_or_404(Proposal.objects.select_related("cooperation"), pk=pk)
        if not moderated_cooperations(request.user).filter(pk=proposal.cooperation_id).exists():
            return _forbidden(request)
        try:
            moderate_proposal(proposal, status, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if status == ProposalStatus.APPROVED:
                text = gettext("Предложение от %(name)s опубликовано на странице содружества.")
            else:
                text = gettext("Предложение от %(name)s отклонено и не показывается на сайте.")
            messages.success(request, text % {"name": proposal.name})
        return HttpResponseRedirect(
            _safe_next(request, reverse("partnerships_submissions:proposals"))
        )


class CollectionRequestIndexView(SubmissionIndexView):
    """Requests to the libraries the user edits (all of them for hub admins)."""

    template_name = "partnerships/admin/submissions/collection_requests.html"
    page_title = _("Запросы изданий из фонда")
    header_icon = "doc-full"
    model = CollectionRequest
    owner_field = "library"
    related = ("library",)
    statuses = CollectionRequestStatus
    may_view = may_answer_requests
    owners = edited_libraries

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["collection_requests"] = context["page_obj"].object_list
        return context


class CollectionRequestView(WagtailAdminTemplateMixin, TemplateView):
    """One request: what the reader asked, the next status and a reply; 403 for other libraries."""

    template_name = "partnerships/admin/submissions/collection_request.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(
            CollectionRequest.objects.select_related("library"), pk=kwargs["pk"]
        )
        if not edited_libraries(request.user).filter(pk=self.object.library_id).exists():
            return _forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Запрос: %(item)s") % {"item": self.object.item[:80]}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("partnerships_submissions:collection_requests"),
                "label": gettext("Запросы изданий из фонда"),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            collection_request=self.object,
            form=form or RequestChangeForm(self.object),
            closed=not next_request_statuses(self.object.status),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RequestChangeForm(self.object, request.POST)
        if form.is_valid() and form.save() is not None:
            messages.success(
                request,
                gettext("Запрос обновлён, читателю отправлено письмо со ссылкой на запрос."),
            )
            return redirect("partnerships_submissions:collection_request", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


admin_urlpatterns = [
    path("predlozheniya/", ProposalIndexView.as_view(), name="proposals"),
    path(
        "predlozheniya/<int:pk>/<str:action>/",
        ProposalModerateView.as_view(),
        name="moderate_proposal",
    ),
    path("zaprosy/", CollectionRequestIndexView.as_view(), name="collection_requests"),
    path("zaprosy/<int:pk>/", CollectionRequestView.as_view(), name="collection_request"),
]


class ProposalsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_moderate_proposals(request.user)


class CollectionRequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_answer_requests(request.user)


@hooks.register("register_admin_urls")
def register_submission_admin_urls():
    return [
        path(
            "partnerships/submissions/",
            include((admin_urlpatterns, "partnerships_submissions")),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_proposals_menu_item():
    return ProposalsMenuItem(
        _("Предложения читателей"),
        reverse("partnerships_submissions:proposals"),
        name="partnerships-proposals",
        icon_name="comment",
        order=310,
    )


@hooks.register("register_admin_menu_item")
def register_collection_requests_menu_item():
    return CollectionRequestsMenuItem(
        _("Запросы в фонд"),
        reverse("partnerships_submissions:collection_requests"),
        name="partnerships-collection-requests",
        icon_name="doc-full",
        order=320,
    )
