from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from ..choices import LibraryAffiliation, OwnershipForm, SettlementKind
from ..names import normalise_name
from .mixins import BodyMixin, ChoiceLabelsMixin, ImageMixin, IntroMixin, load_related
from .reference import SettlementFacts

NAMESAKES_SHOWN = 24
LIBRARY_EVENTS_SHOWN = 3


class SettlementPage(ChoiceLabelsMixin, IntroMixin, ImageMixin, SettlementFacts, Page):
    """A settlement (населённый пункт); its libraries live below it."""

    name = models.CharField(
        _("название населённого пункта"),
        max_length=120,
        help_text=_("Как в справочнике, без типа: «Никольское», а не «с. Никольское»."),
    )
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    kind = models.CharField(
        _("тип"), max_length=24, choices=SettlementKind.choices, default=SettlementKind.SELO
    )
    region = models.ForeignKey(
        "partnerships.Region",
        verbose_name=_("регион"),
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    district = models.ForeignKey(
        "partnerships.District",
        verbose_name=_("муниципальный район, округ"),
        on_delete=models.PROTECT,
        related_name="settlements",
        null=True,
        blank=True,
    )
    gazetteer = models.ForeignKey(
        "partnerships.GazetteerSettlement",
        verbose_name=_("запись справочника"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pages",
        help_text=_("Населённый пункт в справочнике: по нему находятся тёзки."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("gazetteer"),
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("region"), FieldPanel("district")]),
                FieldRowPanel([FieldPanel("oktmo"), FieldPanel("population")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Справочные сведения"),
        ),
        *IntroMixin.panels,
        *ImageMixin.panels,
    ]
    search_fields = (
        Page.search_fields
        + IntroMixin.search_fields
        + [
            index.SearchField("name", boost=3),
            index.AutocompleteField("name"),
            index.FilterField("name_key"),
            index.FilterField("region_id"),
            index.RelatedFields("region", [index.SearchField("name")]),
            index.RelatedFields("district", [index.SearchField("name")]),
        ]
    )

    parent_page_types = ["partnerships.SettlementIndexPage"]
    subpage_types = ["partnerships.LibraryPage"]
    template = "partnerships/pages/settlement_page.html"

    class Meta:
        verbose_name = _("населённый пункт")
        verbose_name_plural = _("населённые пункты")

    def get_context(self, request, *args, **kwargs):
        """Its libraries, its namesakes and the cooperation of its name: one query each."""
        from .cooperations import CooperationPage

        load_related(self, "image", "region", "district")
        context = super().get_context(request, *args, **kwargs)
        # A preview shows the name as typed, before save() has stored its key.
        name_key = normalise_name(self.name)
        context["libraries"] = (
            LibraryPage.objects.live().child_of(self).defer_streamfields().order_by("title")
            if self.pk
            else []
        )
        context["namesakes"] = (
            SettlementPage.objects.live()
            .filter(name_key=name_key, locale_id=self.locale_id)
            .exclude(pk=self.pk)
            .select_related("region", "district")
            .order_by("region__name", "title")[:NAMESAKES_SHOWN]
        )
        context["cooperation"] = (
            CooperationPage.objects.live()
            .filter(name_key=name_key, locale_id=self.locale_id)
            .defer_streamfields()
            .first()
        )
        return context

    def clean(self):
        super().clean()
        if not normalise_name(self.name):
            raise ValidationError({"name": _("Укажите название населённого пункта.")})
        if self.district_id and self.region_id and self.district.region_id != self.region_id:
            raise ValidationError(
                {
                    "district": _(
                        "Район «%(district)s» относится к региону «%(region)s», а не к выбранному."
                    )
                    % {"district": self.district, "region": self.district.region}
                }
            )

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.get_kind_display()} {self.name}"


class LibraryPage(ChoiceLabelsMixin, IntroMixin, ImageMixin, BodyMixin, Page):
    """A partner library (библиотека-партнёр), of any affiliation and ownership (§1.5)."""

    official_name = models.CharField(
        _("полное официальное наименование"), max_length=500, blank=True
    )
    settlement = models.ForeignKey(
        SettlementPage,
        verbose_name=_("населённый пункт"),
        # Deleting a settlement deletes its libraries with it (they are its child pages).
        on_delete=models.SET_NULL,
        related_name="libraries",
        editable=False,
        null=True,
    )
    affiliation = models.CharField(
        _("ведомственная принадлежность"),
        max_length=24,
        choices=LibraryAffiliation.choices,
        default=LibraryAffiliation.MUNICIPAL,
    )
    ownership = models.CharField(
        _("форма собственности"),
        max_length=24,
        choices=OwnershipForm.choices,
        default=OwnershipForm.MUNICIPAL,
    )
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    phone = models.CharField(_("телефон"), max_length=60, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    website = models.URLField(_("сайт"), blank=True)
    catalogue_url = models.URLField(
        _("электронный каталог"),
        blank=True,
        help_text=_("Ссылка на каталог фонда — для взаимного доступа к фондам (§4)."),
    )
    opening_hours = models.CharField(_("часы работы"), max_length=300, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("official_name"),
        FieldRowPanel([FieldPanel("affiliation"), FieldPanel("ownership")]),
        *IntroMixin.panels,
        *ImageMixin.panels,
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldRowPanel([FieldPanel("website"), FieldPanel("catalogue_url")]),
                FieldPanel("opening_hours"),
            ],
            heading=_("Контакты"),
        ),
        *BodyMixin.panels,
    ]
    search_fields = (
        Page.search_fields
        + IntroMixin.search_fields
        + BodyMixin.search_fields
        + [
            index.SearchField("official_name", boost=2),
            index.SearchField("address"),
            index.AutocompleteField("official_name"),
            index.FilterField("affiliation"),
            index.FilterField("settlement_id"),
            index.RelatedFields(
                "settlement",
                [index.SearchField("name", boost=2), index.SearchField("name_key")],
            ),
        ]
    )

    parent_page_types = ["partnerships.SettlementPage"]
    subpage_types = []
    template = "partnerships/pages/library_page.html"

    class Meta:
        verbose_name = _("библиотека-партнёр")
        verbose_name_plural = _("библиотеки-партнёры")

    def permissions_for_user(self, user):
        from ..permissions import LibraryPermissionTester

        return LibraryPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        """Where it stands, the cooperations it belongs to, the joint events it takes part in."""
        from .activities import EventPage, upcoming_and_past

        load_related(self, "image", "settlement__region", "settlement__district")
        context = super().get_context(request, *args, **kwargs)
        context["settlement"] = self.settlement
        if not self.pk:
            context.update(cooperations=[], upcoming_events=[], past_events=[])
            return context
        context["cooperations"] = self.current_cooperations().defer_streamfields().order_by("title")
        partner_in = EventPage.partner_libraries.through.objects.filter(librarypage=self)
        context["upcoming_events"], context["past_events"] = upcoming_and_past(
            EventPage.objects.live().filter(
                Q(venue_library=self) | Q(pk__in=partner_in.values("eventpage_id"))
            ),
            LIBRARY_EVENTS_SHOWN,
        )
        return context

    def save(self, *args, **kwargs):
        self.settlement_id = self.find_settlement_id()
        super().save(*args, **kwargs)

    def find_settlement_id(self):
        """The settlement the library stands in is the page above it in the tree."""
        if not self.path or not self.depth or self.depth < 2:
            return None
        parent = self.get_parent()
        return parent.pk if parent.specific_class is SettlementPage else None

    def current_cooperations(self):
        from .cooperations import CooperationPage, MembershipChange

        return CooperationPage.objects.live().filter(
            pk__in=MembershipChange.objects.current().filter(library=self).values("cooperation_id")
        )
