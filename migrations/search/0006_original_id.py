"""Each entry names the page it was pushed from (alias or copy), so a search lists
one hit per original (docs/search.md, "Pushed items").

Existing rows get their original from the alias or the copy's push record (one step;
``rebuild_search_index`` follows longer chains)."""

from django.db import migrations, models

FORWARD = [
    "UPDATE search_searchentry SET original_id = page_id",
    "UPDATE search_searchentry SET original_id = p.alias_of_id FROM wagtailcore_page AS p"
    " WHERE p.id = search_searchentry.page_id AND p.alias_of_id IS NOT NULL",
    "UPDATE search_searchentry SET original_id = r.source_id FROM syndication_pushrecord AS r"
    " WHERE r.resulting_page_id = search_searchentry.page_id AND r.mode = 'copy'",
]



def forward(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            # The column's index is created at the end of the migration; PostgreSQL
            # refuses while the updates' deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in FORWARD:
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
