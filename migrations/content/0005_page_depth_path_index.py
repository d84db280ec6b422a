"""An index on wagtailcore_page (depth, path) for "children of this page".

Every page renders its site's main navigation, i.e. Wagtail's ``child_of``:
``depth = N AND path LIKE 'prefix%'``. Wagtail indexes ``path`` alone, and on a
site with 100,000 items the prefix matches them all, so PostgreSQL scanned the
whole table (bench/catalogue.py). With depth first, the lookup is a short range.
"""

from django.db import migrations

INDEX = "page_depth_path_idx"


def create(apps, schema_editor):
    # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' whatever the collation.
    opclass = " varchar_pattern_ops" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (depth, path{opclass})")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_catalogue_indexes"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create, drop)]
