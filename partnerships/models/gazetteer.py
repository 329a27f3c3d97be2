"""The gazetteer: every settlement of Russia as reference data, so that namesakes can be found.

Imported from open data (`partnerships.gazetteer`), never typed by editors. One entry is one
settlement: points of the source that repeat a normalised name and an OKTMO code are merged.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from ..choices import SettlementKind
from ..names import normalise_name
from .reference import SettlementFacts


class GazetteerSource(models.TextChoices):
    """Where an entry comes from, for the attribution the licences ask for."""

    OSM = "osm", _("OpenStreetMap (© участники OpenStreetMap, ODbL 1.0)")
    OSM_HFLABS = (
        "osm_hflabs",
        _(
            "OpenStreetMap (© участники OpenStreetMap, ODbL 1.0); "
            "координаты — hflabs/city (CC BY-SA 4.0)"
        ),
    )
    EDITOR = "editor", _("добавлено редактором")


class OsmPlace(models.TextChoices):
    """OpenStreetMap's `place=*` class: size and importance, not the legal type."""

    CITY = "city", _("город (крупный)")
    TOWN = "town", _("город (малый)")
    VILLAGE = "village", _("село, посёлок")
    HAMLET = "hamlet", _("деревня, хутор")


class GazetteerSettlementQuerySet(models.QuerySet):
    def namesakes_of(self, name):
        """All settlements that bear the name, however it is written."""
        return self.filter(name_key=normalise_name(name))

    def needs_region(self):
        """Entries an editor has to complete: the source gave no region."""
        return self.filter(region__isnull=True)

    def shared_names(self, region):
        """Name keys of `region` that also occur in another region: where partners can be found."""
        return (
            self.filter(region=region)
            .filter(
                name_key__in=self.model.objects.exclude(region=region)
                .filter(region__isnull=False)
                .values("name_key")
            )
            .order_by()
            .values_list("name_key", flat=True)
            .distinct()
        )


class GazetteerSettlement(SettlementFacts, models.Model):
    """A settlement of the gazetteer (справочник населённых пунктов).

    The key is the normalised name with the OKTMO code. Entries without an OKTMO code are
    never merged with each other: they are known by their OpenStreetMap point alone.
    """

    name = models.CharField(_("название"), max_length=200)
    name_key = models.CharField(_("ключ имени"), max_length=200, db_index=True, editable=False)
    name_en = models.CharField(_("название по-английски"), max_length=200, blank=True)
    kind = models.CharField(_("тип"), max_length=24, choices=SettlementKind.choices, blank=True)
    official_status = models.CharField(
        _("статус по источнику"),
        max_length=80,
        blank=True,
        help_text=_("Как записано в источнике: «село», «посёлок при станции», «хутор»…"),
    )
    osm_place = models.CharField(
        _("класс OpenStreetMap"), max_length=16, choices=OsmPlace.choices, blank=True
    )
    region = models.ForeignKey(
        "partnerships.Region",
        verbose_name=_("регион"),
        on_delete=models.PROTECT,
        related_name="gazetteer_settlements",
        null=True,
        blank=True,
        # the index on (region, name_key) serves lookups by region
        db_index=False,
        help_text=_("Пусто, если источник не указал регион: такие записи дополняет редактор."),
    )
    district = models.ForeignKey(
        "partnerships.District",
        verbose_name=_("муниципальный район, округ"),
        on_delete=models.PROTECT,
        related_name="gazetteer_settlements",
        null=True,
        blank=True,
    )
    district_name = models.CharField(
        _("муниципальный район по источнику"), max_length=200, blank=True
    )
    osm_id = models.CharField(
        _("точка OpenStreetMap"),
        max_length=32,
        blank=True,
        help_text=_("Например node/123456; у слитых дублей — наименьший из номеров."),
    )
    source = models.CharField(
        _("источник"), max_length=16, choices=GazetteerSource.choices, default=GazetteerSource.OSM
    )

    objects = GazetteerSettlementQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("official_status"), FieldPanel("osm_place")]),
        FieldRowPanel([FieldPanel("region"), FieldPanel("district"), FieldPanel("district_name")]),
        FieldRowPanel([FieldPanel("oktmo"), FieldPanel("population")]),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldRowPanel([FieldPanel("osm_id"), FieldPanel("source")]),
    ]

    class Meta:
        ordering = ["name_key", "pk"]
        verbose_name = _("населённый пункт справочника")
        verbose_name_plural = _("справочник населённых пунктов")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "oktmo"],
                condition=~Q(oktmo=""),
                name="partnerships_gazetteer_unique_name_oktmo",
            ),
            models.UniqueConstraint(
                fields=["osm_id"],
                condition=~Q(osm_id=""),
                name="partnerships_gazetteer_unique_osm_id",
            ),
        ]
        indexes = [models.Index(fields=["region", "name_key"])]

    def __str__(self):
        if self.region_id:
            return f"{self.name} ({self.region})"
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)

    @property
    def needs_region(self):
        return self.region_id is None
