"""Reference data that editors choose from rather than type: regions and districts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

oktmo_validator = RegexValidator(r"^\d{2,11}$", _("Код ОКТМО состоит только из цифр (от 2 до 11)."))


class SettlementFacts(models.Model):
    """What both a settlement page and a gazetteer entry know of a place, checked alike."""

    oktmo = models.CharField(
        _("код ОКТМО"), max_length=11, blank=True, validators=[oktmo_validator]
    )
    population = models.PositiveIntegerField(_("население"), null=True, blank=True)
    latitude = models.DecimalField(
        _("широта"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(41), MaxValueValidator(82)],
    )
    longitude = models.DecimalField(
        _("долгота"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(19), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True


def home_region_code():
    """The region whose libraries the regulation is written for (Белгородская область)."""
    return getattr(settings, "PARTNERSHIPS_HOME_REGION_CODE", "14")


class Region(index.Indexed, models.Model):
    """A subject of the Russian Federation (субъект РФ)."""

    name = models.CharField(_("название"), max_length=120, unique=True)
    code = models.CharField(
        _("код ОКТМО"),
        max_length=3,
        unique=True,
        validators=[oktmo_validator],
        help_text=_("Первые цифры кода ОКТМО региона, например 14 — Белгородская область."),
    )

    panels = [FieldPanel("name"), FieldPanel("code")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("регион")
        verbose_name_plural = _("регионы")

    def __str__(self):
        return self.name

    @property
    def is_home_region(self):
        return self.code == home_region_code()


class District(index.Indexed, models.Model):
    """A municipal district or okrug (муниципальный район, округ) within a region."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("регион"),
        on_delete=models.PROTECT,
        related_name="districts",
    )
    name = models.CharField(_("название"), max_length=160)
    oktmo = models.CharField(_("код ОКТМО"), max_length=8, blank=True, validators=[oktmo_validator])

    panels = [FieldPanel("region"), FieldPanel("name"), FieldPanel("oktmo")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("region_id"),
    ]

    class Meta:
        ordering = ["region__name", "name"]
        verbose_name = _("муниципальный район, округ")
        verbose_name_plural = _("муниципальные районы и округа")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="partnerships_district_unique_name"
            )
        ]

    def __str__(self):
        return self.name
