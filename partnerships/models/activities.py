"""A cooperation's joint activity (§4, §5.2): programmes, events, publications, plans."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from ..choices import EventFormat, EventKind, PlanItemStatus, ProgramStatus, PublicationKind
from ..forms import CooperationContentForm
from .mixins import (
    BodyMixin,
    ChoiceLabelsMixin,
    ImageMixin,
    IntroMixin,
    PartnerLibrariesMixin,
    load_related,
    slim_related,
)

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]
PROGRAM_EVENTS_SHOWN = 50


class CooperationContentMixin(models.Model):
    """A page that belongs to one cooperation; the link follows the tree, never typed."""

    cooperation = models.ForeignKey(
        "partnerships.CooperationPage",
        verbose_name=_("содружество"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    base_form_class = CooperationContentForm
    parent_page_types = ["partnerships.CooperationPage"]
    subpage_types = []

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.path and self.depth and self.depth > 1:
            self.cooperation_id = self.get_parent().pk
        super().save(*args, **kwargs)

    def permissions_for_user(self, user):
        from ..permissions import CornerPermissionTester

        return CornerPermissionTester(user, self)

    def clean_for_parent(self, parent):
        """Rules that need the parent page, which a page being created has no link to yet."""

    # What the page's template follows from it, fetched in one query by get_context.
    template_relations = ("cooperation",)

    def get_context(self, request, *args, **kwargs):
        load_related(self, *self.template_relations)
        context = super().get_context(request, *args, **kwargs)
        context["cooperation"] = self.cooperation
        return context


class ProgramPage(
    ChoiceLabelsMixin,
    CooperationContentMixin,
    IntroMixin,
    ImageMixin,
    BodyMixin,
    PartnerLibrariesMixin,
    Page,
):
    """A joint targeted programme or project (§4)."""

    status = models.CharField(
        _("состояние"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.ACTIVE
    )
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"), null=True, blank=True)
    goals = RichTextField(_("цели и задачи"), blank=True, features=["bold", "italic", "ol", "ul"])
    working_group = models.TextField(
        _("временная профессиональная команда"),
        blank=True,
        help_text=_("Кто входит в рабочую группу программы (§4)."),
    )
    results = RichTextField(
        _("результаты"), blank=True, features=["bold", "italic", "ol", "ul", "link"]
    )

    content_panels = Page.content_panels + [
        *IntroMixin.panels,
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on"), FieldPanel("status")]),
        *PartnerLibrariesMixin.panels,
        FieldPanel("goals"),
        FieldPanel("working_group"),
        *ImageMixin.panels,
        *BodyMixin.panels,
        FieldPanel("results"),
    ]
    search_fields = (
        Page.search_fields
        + IntroMixin.search_fields
        + BodyMixin.search_fields
        + PartnerLibrariesMixin.search_fields
        + [
            index.SearchField("goals"),
            index.SearchField("results"),
            index.FilterField("cooperation_id"),
            index.FilterField("starts_on"),
        ]
    )

    template = "partnerships/pages/program_page.html"
    template_relations = ("cooperation", "image")

    class Meta:
        verbose_name = _("совместная программа")
        verbose_name_plural = _("совместные программы")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = (
            with_card_relations(EventPage.objects.live().filter(program=self)).order_by(
                "starts_at"
            )[:PROGRAM_EVENTS_SHOWN]
            if self.pk
            else []
        )
        return context

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("Программа не может закончиться раньше, чем началась.")}
            )


class EventQuerySet(PageQuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at")


def with_card_relations(events):
    """What an event card shows besides the event: its cooperation and venue, titles only."""
    events = events.defer_streamfields().select_related("cooperation", "venue_library")
    return slim_related(slim_related(events, "cooperation"), "venue_library")


def upcoming_and_past(events, count):
    """The next `count` events and the last `count` past ones, as two lists, in one query
    where the database allows a LIMIT inside IN (SQLite, PostgreSQL), in two elsewhere."""
    now = timezone.now()
    upcoming = events.filter(starts_at__gte=now).order_by("starts_at")
    past = events.filter(starts_at__lt=now).order_by("-starts_at")
    if not connection.features.allow_sliced_subqueries_with_in:
        return (
            list(with_card_relations(upcoming)[:count]),
            list(with_card_relations(past)[:count]),
        )
    both = list(
        with_card_relations(
            events.model.objects.filter(
                Q(pk__in=upcoming.values("pk")[:count]) | Q(pk__in=past.values("pk")[:count])
            )
        ).order_by("starts_at")
    )
    return (
        [event for event in both if event.starts_at >= now],
        [event for event in reversed(both) if event.starts_at < now],
    )


class EventPage(
    ChoiceLabelsMixin,
    CooperationContentMixin,
    IntroMixin,
    ImageMixin,
    BodyMixin,
    PartnerLibrariesMixin,
    Page,
):
    """A joint event (§4): seminar, conference, discussion, training, cultural event…"""

    kind = models.CharField(_("вид"), max_length=16, choices=EventKind.choices)
    format = models.CharField(
        _("формат"), max_length=8, choices=EventFormat.choices, default=EventFormat.OFFLINE
    )
    starts_at = models.DateTimeField(_("начало"), db_index=True)
    ends_at = models.DateTimeField(_("окончание"), null=True, blank=True)
    venue_library = models.ForeignKey(
        "partnerships.LibraryPage",
        verbose_name=_("библиотека — место проведения"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
    )
    venue_address = models.CharField(_("адрес площадки"), max_length=300, blank=True)
    online_url = models.URLField(_("ссылка на трансляцию"), blank=True)
    program = models.ForeignKey(
        "partnerships.ProgramPage",
        verbose_name=_("в рамках программы"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )

    objects = PageManager.from_queryset(EventQuerySet)()

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("format")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        *IntroMixin.panels,
        MultiFieldPanel(
            [FieldPanel("venue_library"), FieldPanel("venue_address"), FieldPanel("online_url")],
            heading=_("Где"),
        ),
        *PartnerLibrariesMixin.panels,
        FieldPanel("program"),
        *ImageMixin.panels,
        *BodyMixin.panels,
    ]
    search_fields = (
        Page.search_fields
        + IntroMixin.search_fields
        + BodyMixin.search_fields
        + PartnerLibrariesMixin.search_fields
        + [
            index.SearchField("venue_address"),
            index.FilterField("kind"),
            index.FilterField("starts_at"),
            index.FilterField("cooperation_id"),
        ]
    )

    template = "partnerships/pages/event_page.html"
    template_relations = ("cooperation", "image", "program", "venue_library__settlement__region")

    class Meta:
        verbose_name = _("совместное мероприятие")
        verbose_name_plural = _("совместные мероприятия")
        # The newest events of a kind: the events page's filter, a search for a kind's name.
        indexes = [models.Index(fields=["kind", "-starts_at"], name="partnerships_event_kind")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        venue = self.venue_library
        context["venue"] = venue if venue is not None and venue.live else None
        return context

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("Мероприятие не может закончиться раньше, чем началось.")
        if self.format in (EventFormat.ONLINE, EventFormat.HYBRID) and not self.online_url:
            errors["online_url"] = _("Для онлайн-мероприятия укажите ссылку на трансляцию.")
        if (
            self.format in (EventFormat.OFFLINE, EventFormat.HYBRID)
            and not self.venue_library_id
            and not self.venue_address
        ):
            errors["venue_address"] = _(
                "Для очного мероприятия укажите библиотеку-площадку или адрес."
            )
        if (
            self.program_id
            and self.cooperation_id
            and self.program.cooperation_id != self.cooperation_id
        ):
            errors["program"] = _("Программа относится к другому содружеству.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_upcoming(self):
        return self.starts_at >= timezone.now()


class PublicationPage(
    ChoiceLabelsMixin, CooperationContentMixin, IntroMixin, BodyMixin, PartnerLibrariesMixin, Page
):
    """Joint publishing output or a partner's professional publication (§4)."""

    kind = models.CharField(_("вид издания"), max_length=16, choices=PublicationKind.choices)
    year = models.PositiveSmallIntegerField(_("год издания"), validators=YEAR_VALIDATORS)
    authors = models.CharField(_("авторы, составители"), max_length=500, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("файл издания"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("обложка"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        FieldPanel("authors"),
        *IntroMixin.panels,
        *PartnerLibrariesMixin.panels,
        FieldRowPanel([FieldPanel("document"), FieldPanel("cover")]),
        *BodyMixin.panels,
    ]
    search_fields = (
        Page.search_fields
        + IntroMixin.search_fields
        + BodyMixin.search_fields
        + PartnerLibrariesMixin.search_fields
        + [
            index.SearchField("authors"),
            index.FilterField("kind"),
            index.FilterField("year"),
            index.FilterField("cooperation_id"),
        ]
    )

    template = "partnerships/pages/publication_page.html"
    template_relations = ("cooperation", "cover", "document")

    class Meta:
        verbose_name = _("издание")
        verbose_name_plural = _("издания")

    def clean(self):
        super().clean()
        if self.year and self.year > date.today().year + 1:
            raise ValidationError({"year": _("Год издания не может быть позже следующего года.")})


class WorkPlanPage(CooperationContentMixin, IntroMixin, Page):
    """A joint work plan for one year (§5.2)."""

    year = models.PositiveSmallIntegerField(_("год"), validators=YEAR_VALIDATORS)

    content_panels = Page.content_panels + [
        FieldPanel("year"),
        *IntroMixin.panels,
        InlinePanel("items", heading=_("Пункты плана"), label=_("пункт")),
    ]
    search_fields = (
        Page.search_fields
        + IntroMixin.search_fields
        + [
            index.RelatedFields(
                "items", [index.SearchField("title"), index.SearchField("description")]
            ),
            index.FilterField("year"),
            index.FilterField("cooperation_id"),
        ]
    )

    template = "partnerships/pages/work_plan_page.html"

    class Meta:
        verbose_name = _("план совместной работы")
        verbose_name_plural = _("планы совместной работы")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.items.all().select_related("responsible_library")
        return context

    def clean_for_parent(self, parent):
        if not self.year:
            return
        twin = (
            WorkPlanPage.objects.child_of(parent).filter(year=self.year).exclude(pk=self.pk).first()
        )
        if twin:
            raise ValidationError(
                {
                    "year": _("План на %(year)s год уже есть: «%(title)s».")
                    % {"year": self.year, "title": twin.title}
                }
            )


class WorkPlanItem(ChoiceLabelsMixin, Orderable):
    plan = ParentalKey(WorkPlanPage, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("мероприятие, работа"), max_length=300)
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"), null=True, blank=True)
    responsible_library = models.ForeignKey(
        "partnerships.LibraryPage",
        verbose_name=_("ответственная библиотека"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("выполнение"),
        max_length=12,
        choices=PlanItemStatus.choices,
        default=PlanItemStatus.PLANNED,
    )
    description = models.TextField(_("пояснение"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on"), FieldPanel("status")]),
        FieldPanel("responsible_library"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("пункт плана")
        verbose_name_plural = _("пункты плана")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        plan = getattr(self, "plan", None)
        year = plan.year if plan else None
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("Окончание не может быть раньше начала.")
        if year:
            for field in ("starts_on", "ends_on"):
                value = getattr(self, field)
                if value and value.year != year and field not in errors:
                    errors[field] = _(
                        "Пункт плана на %(year)s год должен укладываться в этот год."
                    ) % {"year": year}
        if errors:
            raise ValidationError(errors)


class ChroniclePage(
    CooperationContentMixin, IntroMixin, ImageMixin, BodyMixin, PartnerLibrariesMixin, Page
):
    """An entry of the cooperation's public chronicle (§5.2)."""

    date = models.DateField(_("дата"), default=date.today, db_index=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        *IntroMixin.panels,
        *PartnerLibrariesMixin.panels,
        *ImageMixin.panels,
        *BodyMixin.panels,
    ]
    search_fields = (
        Page.search_fields
        + IntroMixin.search_fields
        + BodyMixin.search_fields
        + PartnerLibrariesMixin.search_fields
        + [index.FilterField("date"), index.FilterField("cooperation_id")]
    )

    template = "partnerships/pages/chronicle_page.html"
    template_relations = ("cooperation", "image")

    class Meta:
        verbose_name = _("запись хроники")
        verbose_name_plural = _("хроника деятельности")
