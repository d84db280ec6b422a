"""Full-text structures that differ by database.

PostgreSQL: a GIN index over the weighted tsvector. SQLite: an FTS5 table with
the search entry table as external content, kept in step by triggers (the
recipe of the FTS5 documentation, §4.4.3), so a flush or cascade delete of
entries can never leave stale matches behind.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title_terms, summary_terms, body_terms, content='search_searchentry', content_rowid='page_id')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(rowid, title_terms, summary_terms, body_terms) "
    "VALUES (new.page_id, new.title_terms, new.summary_terms, new.body_terms); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, title_terms, summary_terms, body_terms) "
    "VALUES ('delete', old.page_id, old.title_terms, old.summary_terms, old.body_terms); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, title_terms, summary_terms, body_terms) "
    "VALUES ('delete', old.page_id, old.title_terms, old.summary_terms, old.body_terms); "
    "INSERT INTO search_entry_fts(rowid, title_terms, summary_terms, body_terms) "
    "VALUES (new.page_id, new.title_terms, new.summary_terms, new.body_terms); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_entry_fts",
]
POSTGRES_CREATE = ["CREATE INDEX search_entry_vector ON search_searchentry USING gin (vector)"]
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_entry_vector"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
