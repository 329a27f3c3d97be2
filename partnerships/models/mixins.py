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


_CHOICE_LABELS = {}


class ChoiceLabelsMixin(models.Model):
    """``get_<field>_display()`` from a plain dict per field.

    Django's version hashes every lazily translated label on each call, which made choice
    labels the most expensive thing on listing pages.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            labels = _CHOICE_LABELS[field] = dict(field.flatchoices)
        value = getattr(self, field.attname)
        return str(labels.get(value, value))


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


def with_renditions(queryset, *image_fields):
    """Prefetch the renditions of each listed image field, so that a listing of cards costs
    one extra query however many images it shows."""
    return queryset.prefetch_related(*(f"{field}__renditions" for field in image_fields))


def slim_related(queryset, relation, keep=("title", "url_path")):
    """Load only the columns the template uses from a page joined with select_related.

    A page row has some forty columns, and building them is most of the CPU a listing costs.
    ``keep`` must name every field the template reads, and every foreign key that a further
    select_related follows; anything else read would cost a query per row.
    """
    model = queryset.model
    for part in relation.split("__"):
        model = model._meta.get_field(part).related_model
    deferred = [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in keep
    ]
    return queryset.defer(*(f"{relation}__{name}" for name in deferred))


def load_related(page, *paths):
    """Fetch the objects behind a page's foreign keys (``"venue_library__settlement"``…) in
    one query and attach them to the page, instead of one lazy query each.

    Skipped for a page that is not stored yet, or whose keys differ from the stored ones (a
    preview of unsaved changes): the template then falls back to lazy loading.
    """
    fields = list(dict.fromkeys(path.split("__")[0] for path in paths))
    if not page.pk or not any(getattr(page, f"{field}_id") for field in fields):
        return
    keys = {f"{field}_id": getattr(page, f"{field}_id") for field in fields}
    stored = (
        type(page)
        .objects.filter(pk=page.pk, **keys)
        .select_related(*paths)
        .only("pk", *fields)
        .first()
    )
    if stored is not None:
        for field in fields:
            setattr(page, field, getattr(stored, field))


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

    def get_context(self, request, *args, **kwargs):
        """The published partner libraries with their settlements, in one query."""
        context = super().get_context(request, *args, **kwargs)
        context["partners"] = (
            self.partner_libraries.all()
            .filter(live=True)
            .select_related("settlement__region")
            .order_by("title")
        )
        return context
