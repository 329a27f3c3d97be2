from django.db import migrations

INDEX_NAME = "partnerships_page_depth_path"


def page_table(apps):
    return apps.get_model("wagtailcore", "Page")._meta.db_table


def create_index(apps, schema_editor):
    """Children of a page by (depth, path range): how the hub finds its sections in one query.

    Wagtail indexes the path alone, so "pages at depth 3 under the home page" otherwise reads
    the whole subtree.
    """
    table = schema_editor.quote_name(page_table(apps))
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {table} (depth, path)")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0003_settlement_gazetteer"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
