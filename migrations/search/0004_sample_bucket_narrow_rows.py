"""Keep common-word searches fast at 200,000 items (docs/search.md, "Very common words").

- ``sample_bucket``: a hash of the page id into 64 buckets; PostgreSQL estimates
  totals and facets of words matching over SEARCH_EXACT_LIMIT items from one.
- The GIN index also holds sample_bucket (btree_gin), so the sample is taken
  inside the index, not row by row; B-tree indexes on the facet columns let
  PostgreSQL AND a filter with the text match before reading rows.
- A GIN index over head_vector finds title/summary matches for ranking.
- Narrow rows: values are moved out of line above 512 bytes (the default is
  2 kB), except head_vector, which ranking reads for every candidate. Counting
  and faceting then read 130 MB of rows at 200,000 items instead of 620 MB.
"""

import importlib

import django.db.models.deletion
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

# search.models.sample_bucket in SQL (both databases know & and >>).
BUCKET_SQL = "UPDATE search_searchentry SET sample_bucket = ((page_id * 2654435761) & 4294967295) >> 26"

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (vector, sample_bucket)",
    "CREATE INDEX search_entry_head_vector ON search_searchentry USING gin (head_vector)",
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 512)",
    "ALTER TABLE search_searchentry ALTER COLUMN head_vector SET STORAGE MAIN",
    # Rewrites every row, so existing rows take the narrow layout too.
    BUCKET_SQL,
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_head_vector",
    "DROP INDEX IF EXISTS search_entry_vector",
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (vector)",
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
    "ALTER TABLE search_searchentry ALTER COLUMN head_vector SET STORAGE EXTENDED",
]


# SQLite rebuilds the table to alter a column, dropping the FTS5 triggers with
# it: create them again and refill the FTS5 table.
FULL_TEXT = importlib.import_module("migrations.search.0002_full_text_indexes")
SQLITE_FORWARD = [
    BUCKET_SQL,
    *FULL_TEXT.SQLITE_DROP,
    *FULL_TEXT.SQLITE_CREATE,
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    # SQLite: the column changes' reversal rebuilds the table again, dropping the
    # triggers; migrate search to 0001 and forward to 0003 to restore them.
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_head_vector"), ("wagtailcore", "0098_apitoken")]

    operations = [
        BtreeGinExtension(),
        migrations.AddField(
            model_name="searchentry",
            name="sample_bucket",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="searchentry",
            name="site",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="wagtailcore.site",
            ),
        ),
        *(
            migrations.AddIndex(
                model_name="searchentry", index=models.Index(fields=[field], name=f"search_entry_{field}")
            )
            for field in ("content_type", "genre", "validity")
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["year", "-publication_date"], name="search_entry_year_date"),
        ),
        # Last: after SQLite has rebuilt the table for the column changes above.
        migrations.RunPython(forward, backward),
    ]
