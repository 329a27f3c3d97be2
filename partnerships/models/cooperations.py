from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..choices import (
    CooperationLevel,
    MembershipChangeKind,
    MembershipChangeStatus,
    OrganisationalForm,
)
from ..names import normalise_name
from ..signals import parties_changed
from .mixins import BodyMixin, ChoiceLabelsMixin, IntroMixin
from .reference import home_region_code

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Цвет записывается как #RRGGBB, например #1f5f8b.")
)


class MembershipChangeQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=MembershipChangeStatus.APPROVED)

    def current(self):
        """Approved joins not followed by a later approved change of the same pair."""
        later = (
            self.model.objects.approved()
            .filter(cooperation=OuterRef("cooperation"), library=OuterRef("library"))
            .filter(Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk")))
        )
        return self.approved().filter(kind=MembershipChangeKind.JOIN).exclude(Exists(later))

    def with_is_current(self):
        """Flag the changes that current() selects, so one query gives history and parties."""
        return self.annotate(
            is_current=Exists(self.model.objects.current().filter(pk=OuterRef("pk")))
        )


class MembershipChange(ChoiceLabelsMixin, models.Model):
    """A library joining or leaving the Agreement (§1.3, §5.3), kept as public history.

    The current parties of the Agreement are derived from this history, never typed twice.
    """

    cooperation = models.ForeignKey(
        "partnerships.CooperationPage",
        on_delete=models.CASCADE,
        related_name="membership_changes",
        verbose_name=_("содружество"),
    )
    library = models.ForeignKey(
        "partnerships.LibraryPage",
        on_delete=models.CASCADE,
        related_name="membership_changes",
        verbose_name=_("библиотека"),
    )
    kind = models.CharField(
        _("решение"),
        max_length=8,
        choices=MembershipChangeKind.choices,
        default=MembershipChangeKind.JOIN,
    )
    date = models.DateField(_("дата"), default=date.today)
    message = models.TextField(
        _("сообщение"),
        blank=True,
        help_text=_("Сообщение библиотеки о присоединении или выходе (§5.3)."),
    )
    status = models.CharField(
        _("статус"),
        max_length=10,
        choices=MembershipChangeStatus.choices,
        default=MembershipChangeStatus.APPROVED,
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("заявку подал"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("решение принял"),
    )
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decision_comment = models.TextField(_("комментарий к решению"), blank=True)

    objects = MembershipChangeQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("library"), FieldPanel("kind"), FieldPanel("date")]),
        FieldPanel("message"),
        FieldPanel("status"),
    ]

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("присоединение или выход")
        verbose_name_plural = _("история участия")
        indexes = [models.Index(fields=["cooperation", "library", "date"])]

    def __str__(self):
        return f"{self.library} — {self.get_kind_display()} ({self.date:%d.%m.%Y})"

    def clean(self):
        super().clean()
        cooperation = getattr(self, "cooperation", None)
        if self.library_id and cooperation is not None:
            check_namesake(cooperation, self.library)


def check_namesake(cooperation, library):
    """A library may take part only if its settlement bears the cooperation's name."""
    settlement = library.settlement
    if settlement is None:
        raise ValidationError(
            {
                "library": _("Библиотека «%(library)s» не привязана к населённому пункту.")
                % {"library": library.title}
            }
        )
    if settlement.name_key != normalise_name(cooperation.settlement_name):
        raise ValidationError(
            {
                "library": _(
                    "Библиотека «%(library)s» находится в населённом пункте "
                    "«%(settlement)s», а содружество объединяет библиотеки населённых "
                    "пунктов «%(name)s»."
                )
                % {
                    "library": library.title,
                    "settlement": settlement.name,
                    "name": cooperation.settlement_name,
                }
            }
        )


def history_order(change):
    """Date order; on one day, in the order recorded, a row not yet saved last."""
    return (change.date, change.pk or float("inf"))


def membership_history_errors(changes, signed_on=None):
    """Check a history of changes in date order; return [(change, message), …].

    A library cannot join while it is a party, nor leave while it is not.
    """
    errors = []
    members = set()
    for change in sorted(changes, key=history_order):
        if change.status != MembershipChangeStatus.APPROVED:
            continue
        name = change.library.title
        if signed_on and change.date < signed_on:
            message = _("Дата %(date)s раньше подписания Соглашения (%(signed)s).") % {
                "date": f"{change.date:%d.%m.%Y}",
                "signed": f"{signed_on:%d.%m.%Y}",
            }
            errors.append((change, message))
        elif change.kind == MembershipChangeKind.JOIN:
            if change.library_id in members:
                message = _("Библиотека «%(library)s» на эту дату уже участвует в Соглашении.") % {
                    "library": name
                }
                errors.append((change, message))
            members.add(change.library_id)
        else:
            if change.library_id not in members:
                message = _(
                    "Библиотека «%(library)s» не может выйти из Соглашения: "
                    "на эту дату она в нём не участвует."
                ) % {"library": name}
                errors.append((change, message))
            members.discard(change.library_id)
    return errors


class CooperationPage(ChoiceLabelsMixin, IntroMixin, BodyMixin, Page):
    """The cooperation of libraries of one settlement name, under one Agreement (§1.3, §5.1)."""

    settlement_name = models.CharField(
        _("наименование населённого пункта"),
        max_length=120,
        help_text=_("Общее имя населённых пунктов, например «Никольское»."),
    )
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    organisational_form = models.CharField(
        _("организационная форма"),
        max_length=24,
        choices=OrganisationalForm.choices,
        default=OrganisationalForm.CONVENT_PARTNERSHIP,
    )
    level = models.CharField(
        _("уровень"),
        max_length=16,
        choices=CooperationLevel.choices,
        blank=True,
        editable=False,
    )
    emblem = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("эмблема"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    colour = models.CharField(
        _("фирменный цвет"), max_length=7, blank=True, validators=[colour_validator]
    )
    social_links = StreamField(
        [
            (
                "link",
                blocks.StructBlock(
                    [
                        ("title", blocks.CharBlock(label=_("название площадки"))),
                        ("url", blocks.URLBlock(label=_("адрес"))),
                    ],
                    icon="link",
                    label=_("площадка"),
                ),
            )
        ],
        verbose_name=_("площадки в социальных сетях (§5.1)"),
        blank=True,
    )
    agreement_title = models.CharField(
        _("название Соглашения"),
        max_length=300,
        blank=True,
        default="Соглашение о сотрудничестве",
    )
    agreement_signed_on = models.DateField(_("дата подписания"), null=True, blank=True)
    agreement_place = models.CharField(_("место подписания"), max_length=200, blank=True)
    agreement_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("текст Соглашения (файл)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agreement_text = RichTextField(_("предмет Соглашения"), blank=True)
    all_parties_sign_off = models.BooleanField(
        _("совместные материалы утверждают все стороны"),
        default=False,
        help_text=_(
            "Материал, в котором названы несколько библиотек-партнёров, публикуется только "
            "после согласования модератором от каждой из них."
        ),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("settlement_name"), FieldPanel("organisational_form")]),
        *IntroMixin.panels,
        MultiFieldPanel(
            [FieldPanel("emblem"), FieldPanel("colour"), FieldPanel("social_links")],
            heading=_("Символика и площадки"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("agreement_title"),
                FieldRowPanel([FieldPanel("agreement_signed_on"), FieldPanel("agreement_place")]),
                FieldPanel("agreement_document"),
                FieldPanel("agreement_text"),
            ],
            heading=_("Соглашение"),
        ),
        FieldPanel("all_parties_sign_off"),
        *BodyMixin.panels,
    ]
    search_fields = (
        Page.search_fields
        + IntroMixin.search_fields
        + BodyMixin.search_fields
        + [
            index.SearchField("settlement_name", boost=3),
            index.AutocompleteField("settlement_name"),
            index.SearchField("agreement_text"),
            index.FilterField("name_key"),
            index.FilterField("level"),
        ]
    )

    LATEST_SHOWN = 4
    parent_page_types = ["partnerships.CooperationIndexPage"]
    subpage_types = [
        "partnerships.ProgramPage",
        "partnerships.EventPage",
        "partnerships.PublicationPage",
        "partnerships.WorkPlanPage",
        "partnerships.ChroniclePage",
    ]

    template = "partnerships/pages/cooperation_page.html"

    class Meta:
        verbose_name = _("содружество")
        verbose_name_plural = _("содружества")

    def get_context(self, request, *args, **kwargs):
        """Parties, history and the latest of each kind of joint work, one query per list."""
        from .activities import (
            ChroniclePage,
            EventPage,
            ProgramPage,
            PublicationPage,
            WorkPlanPage,
            upcoming_and_past,
        )
        from .mixins import load_related, slim_related, with_renditions

        context = super().get_context(request, *args, **kwargs)
        if not self.pk:
            # The preview of a cooperation being created: nothing is linked to it yet.
            lists = ("history", "members", "programs", "work_plans", "upcoming_events")
            lists += ("past_events", "publications", "chronicle")
            context.update({name: [] for name in lists})
            return context
        load_related(self, "emblem", "agreement_document")
        history = self.membership_history().filter(library__live=True)
        history = slim_related(history, "library", ("title", "url_path", "settlement"))
        history = slim_related(
            history, "library__settlement", ("name", "kind", "url_path", "region", "district")
        )
        history = list(history.select_related("library__settlement__district").with_is_current())
        upcoming_events, past_events = upcoming_and_past(
            EventPage.objects.live().filter(cooperation=self), self.LATEST_SHOWN
        )
        context.update(
            history=history,
            members=sorted(
                (change for change in history if change.is_current),
                key=lambda change: (
                    change.library.settlement.region.name if change.library.settlement else "",
                    change.library.title,
                ),
            ),
            programs=ProgramPage.objects.live()
            .filter(cooperation=self)
            .defer_streamfields()
            .order_by("-starts_on", "title")[: self.LATEST_SHOWN],
            work_plans=WorkPlanPage.objects.live()
            .filter(cooperation=self)
            .order_by("-year")[: self.LATEST_SHOWN],
            upcoming_events=upcoming_events,
            past_events=past_events,
            publications=with_renditions(
                PublicationPage.objects.live()
                .filter(cooperation=self)
                .defer_streamfields()
                .select_related("cover")
                .order_by("-year", "-first_published_at"),
                "cover",
            )[: self.LATEST_SHOWN],
            chronicle=ChroniclePage.objects.live()
            .filter(cooperation=self)
            .defer_streamfields()
            .order_by("-date", "-pk")[: self.LATEST_SHOWN],
        )
        return context

    def clean(self):
        super().clean()
        key = normalise_name(self.settlement_name)
        if not key:
            raise ValidationError(
                {"settlement_name": _("Укажите наименование населённого пункта.")}
            )
        twin = (
            CooperationPage.objects.filter(name_key=key, locale_id=self.locale_id)
            .exclude(pk=self.pk)
            .exclude(translation_key=self.translation_key)
            .first()
        )
        if twin:
            raise ValidationError(
                {
                    "settlement_name": _(
                        "Содружество библиотек населённых пунктов «%(name)s» уже есть: "
                        "«%(title)s». Для одного имени — одно содружество."
                    )
                    % {"name": self.settlement_name, "title": twin.title}
                }
            )

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.settlement_name)
        self.level = self.derive_level()
        super().save(*args, **kwargs)

    def derive_level(self):
        """Within the home region, or interregional, as its current members stand (§1.2)."""
        if not self.pk:
            return ""
        region_codes = {
            library.settlement.region.code
            for library in self.members_from_history(
                self.membership_changes.select_related("library__settlement__region")
            )
            if library.settlement_id
        }
        if not region_codes:
            return ""
        if region_codes == {home_region_code()}:
            return CooperationLevel.INTERMUNICIPAL
        return CooperationLevel.INTERREGIONAL

    def permissions_for_user(self, user):
        from ..permissions import CooperationPermissionTester

        return CooperationPermissionTester(user, self)

    def refresh_level(self):
        """After the parties change, without a new revision of the page."""
        self.level = self.derive_level()
        CooperationPage.objects.filter(pk=self.pk).update(level=self.level)
        parties_changed.send(sender=CooperationPage, instance=self)

    @staticmethod
    def members_from_history(changes):
        members = {}
        for change in sorted(changes, key=history_order):
            if change.status != MembershipChangeStatus.APPROVED:
                continue
            if change.kind == MembershipChangeKind.JOIN:
                members[change.library_id] = change.library
            else:
                members.pop(change.library_id, None)
        return list(members.values())

    def current_members(self):
        from .settlements import LibraryPage

        return LibraryPage.objects.live().filter(
            pk__in=MembershipChange.objects.current().filter(cooperation=self).values("library_id")
        )

    def membership_history(self):
        return (
            MembershipChange.objects.approved()
            .filter(cooperation=self)
            .select_related("library__settlement__region")
            .order_by("-date", "-pk")
        )
