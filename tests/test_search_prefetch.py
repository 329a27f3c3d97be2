"""The database backends read a batch's related search fields once, and only what they index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch import index

from partnerships.models import EventPage, WorkPlanPage
from search.backends.indexing import prefetch_related_search_fields

pytestmark = pytest.mark.django_db


def test_partner_libraries_are_read_once_and_only_their_titles(joint_content):
    events = list(EventPage.objects.filter(pk=joint_content.event.pk))
    with CaptureQueriesContext(connection) as queries:
        prefetch_related_search_fields(EventPage, events)
        libraries = list(events[0].partner_libraries.all())
        titles = sorted(library.title for library in libraries)
    assert len(queries) == 1
    assert titles == ["Никольская библиотека-филиал", "Никольская сельская библиотека"]
    # The library's own columns (its official name, its settlement) were not read.
    assert {"official_name", "settlement_id"} <= libraries[0].get_deferred_fields()


def test_plan_items_keep_the_key_that_links_them_to_their_plan(joint_content):
    plans = list(WorkPlanPage.objects.filter(pk=joint_content.plan.pk))
    with CaptureQueriesContext(connection) as queries:
        prefetch_related_search_fields(WorkPlanPage, plans)
        items = [(item.title, item.plan_id) for item in plans[0].items.all()]
    assert len(queries) == 1
    assert items == [("Краеведческие чтения", joint_content.plan.pk)]


def test_a_related_field_that_is_not_a_column_reads_whole_rows(joint_content, monkeypatch):
    fields = [index.RelatedFields("partner_libraries", [index.SearchField("get_url")])]
    monkeypatch.setattr(EventPage, "get_search_fields", classmethod(lambda cls: fields))
    events = list(EventPage.objects.filter(pk=joint_content.event.pk))
    prefetch_related_search_fields(EventPage, events)
    with CaptureQueriesContext(connection) as queries:
        libraries = list(events[0].partner_libraries.all())
    assert len(queries) == 0
    assert libraries[0].get_deferred_fields() == set()


def test_document_tags_are_read_whole(db):
    """taggit's manager refuses a custom queryset: the tags are prefetched as they are."""
    from wagtail.documents import get_document_model
    from wagtail_factories import DocumentFactory

    document = DocumentFactory(title="Устав содружества")
    document.tags.add("устав")
    documents = list(get_document_model().objects.filter(pk=document.pk))
    prefetch_related_search_fields(get_document_model(), documents)
    with CaptureQueriesContext(connection) as queries:
        tags = [tag.name for tag in documents[0].tags.all()]
    assert tags == ["устав"]
    assert len(queries) == 0
