"""Each entry names the page it was pushed from (alias or copy), so a search lists
one hit per original (docs/search.md, "Pushed items").

Existing rows get their original from the alias or the copy's push record (one step;
``rebuild_search_index`` follows longer chains)."""

import importlib

from django.db import migrations, models

FORWARD = [
    "UPDATE search_searchentry SET original_id = page_id",
    "UPDATE search_searchentry SET original_id = p.alias_of_id FROM wagtailcore_page AS p"
    " WHERE p.id = search_searchentry.page_id AND p.alias_of_id IS NOT NULL",
    "UPDATE search_searchentry SET original_id = r.source_id FROM syndication_pushrecord AS r"
    " WHERE r.resulting_page_id = search_searchentry.page_id AND r.mode = 'copy'",
]


# SQLite rebuilds the table to add the column, dropping the FTS5 triggers with it:
# create them again and refill the FTS5 table (as in 0004).
FULL_TEXT = importlib.import_module("migrations.search.0002_full_text_indexes")
SQLITE_FULL_TEXT = [
    *FULL_TEXT.SQLITE_DROP,
    *FULL_TEXT.SQLITE_CREATE,
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]


def forward(apps, schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgresql:
            # The column's index is created at the end of the migration; PostgreSQL
            # refuses while the updates' deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in FORWARD + ([] if postgresql else SQLITE_FULL_TEXT):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_vector_trigger"),
        ("syndication", "0004_reason_lengths"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="original_id",
            field=models.IntegerField(db_index=True, default=0),
            preserve_default=False,
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
