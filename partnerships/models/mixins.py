"""What repeats across the hub's page types: intro, image, body, partner libraries."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from ..blocks import BodyBlock


def section_parent_page_types():
    """Where the hub's sections may be created; the host site says so in settings."""
    return getattr(settings, "PARTNERSHIPS_SECTION_PARENT_PAGE_TYPES", None)


class IntroMixin(models.Model):
    intro = models.TextField(
        _("краткое описание"),
        blank=True,
        max_length=600,
        help_text=_("Одно-два предложения для списков и поисковой выдачи."),
    )

    panels = [FieldPanel("intro")]
    search_fields = [index.SearchField("intro", boost=2)]

    class Meta:
        abstract = True


class ImageMixin(models.Model):
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("изображение"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("image")]

    class Meta:
        abstract = True


class BodyMixin(models.Model):
    body = StreamField(BodyBlock(), verbose_name=_("текст"), blank=True)

    panels = [FieldPanel("body")]
    search_fields = [index.SearchField("body")]

    class Meta:
        abstract = True


class PartnerLibrariesMixin(models.Model):
    """Libraries that take part in a joint item; only current members of the cooperation."""

    partner_libraries = ParentalManyToManyField(
        "partnerships.LibraryPage",
        verbose_name=_("библиотеки-партнёры"),
        blank=True,
        related_name="partner_in_%(class)s",
        help_text=_("Только библиотеки, которые сейчас участвуют в Соглашении."),
    )

    panels = [FieldPanel("partner_libraries")]
    search_fields = [
        index.RelatedFields("partner_libraries", [index.SearchField("title")]),
    ]

    class Meta:
        abstract = True
