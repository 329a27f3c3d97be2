from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string
from wagtail.models import Locale, Page


class PageFacts(models.Model):
    """What the search page's facets know of a page: its type, date, regions and cooperations.

    Deriving them takes a query of two dozen joins and a UNION over the page types' tables
    (search.facets); kept here with the names the facets show, the facts of 200 hits are one
    read by primary key. A row is dropped whenever something it was derived from changes
    (search.signal_handlers) and derived again by the next search that needs it; update_index
    derives them all.
    """

    page = models.OneToOneField(Page, on_delete=models.CASCADE, primary_key=True, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # The facet's type key (a page model's name), empty for pages of other types.
    type = models.CharField(max_length=100, blank=True)
    date = models.DateField(null=True)
    year = models.IntegerField(null=True)
    event_kind = models.CharField(max_length=16, blank=True)
    # Region codes and cooperation page ids with their names, "key<TAB>name" a line.
    regions = models.TextField(blank=True)
    cooperations = models.TextField(blank=True)

    class Meta:
        verbose_name = _("сведения о странице для поиска")
        verbose_name_plural = _("сведения о страницах для поиска")


class DocumentFacts(models.Model):
    """What the search page's facets know of a document in a locale: the cooperations whose
    agreement or publications publish it (with their names), and what the first of them says
    of it. A document many publications share is read in one row, not one row each. Dropped
    whenever a publication or a cooperation changes (search.signal_handlers)."""

    document = models.ForeignKey(
        get_document_model_string(), on_delete=models.CASCADE, related_name="+"
    )
    locale = models.ForeignKey(Locale, on_delete=models.CASCADE, related_name="+")
    cooperations = models.TextField(blank=True)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = _("сведения о документе для поиска")
        verbose_name_plural = _("сведения о документах для поиска")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "locale"], name="search_documentfacts_unique"
            )
        ]
