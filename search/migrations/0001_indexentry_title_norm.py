"""A btree index on the search index's title_norm, for the PostgreSQL backend.

search.backends.postgres_russian reads the matches of a common word shortest title first (by
title_norm) and stops after a few hundred: with this index it reads them in that order,
without it PostgreSQL sorts every match. The other backends do not use it, so it is created on
PostgreSQL only. The index table belongs to the app that holds modelsearch's IndexEntry:
wagtailsearch in a Wagtail site, modelsearch on its own.
"""

from django.db import migrations, models
from modelsearch.conf import get_app_config

INDEX = models.Index(fields=["-title_norm", "-id"], name="tezki_indexentry_title_norm")
INDEX_ENTRY_CREATED_BY = {
    "wagtailsearch": "0005_create_indexentry",
    "modelsearch": "0001_initial",
}
INDEX_ENTRY_APP = get_app_config().label


def _index_entry(apps, schema_editor):
    """The IndexEntry model on PostgreSQL, None elsewhere."""
    if schema_editor.connection.vendor != "postgresql":
        return None
    return apps.get_model(INDEX_ENTRY_APP, "IndexEntry")


def create_index(apps, schema_editor):
    model = _index_entry(apps, schema_editor)
    if model is None:
        return
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, model._meta.db_table)
    # Databases set up before this migration may have it from the search app's old
    # post_migrate hook.
    if INDEX.name not in existing:
        schema_editor.add_index(model, INDEX)


def drop_index(apps, schema_editor):
    model = _index_entry(apps, schema_editor)
    if model is not None:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    dependencies = [(INDEX_ENTRY_APP, INDEX_ENTRY_CREATED_BY[INDEX_ENTRY_APP])]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
