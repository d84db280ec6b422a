"""Bulk insertion of article pages for benchmarks (publishing 100,000 pages one by one takes hours).

Import after ``harness.setup``.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from wagtail.models import Locale, Page

from cms.content.models import ArticlePage, ColumnPage


def insert_articles(column: ColumnPage, rows: list[dict], *, live: bool, batch_size: int = 5_000) -> list[int]:
    """Insert ArticlePage children of ``column`` without Wagtail's page-by-page machinery.

    ``rows`` hold ArticlePage field values (``title`` and ``slug`` at least). The
    ``wagtailcore_page`` rows get treebeard materialised paths continuing the
    column's children (``Page._get_path``); ``bulk_create`` cannot insert a
    multi-table child, so the ``content_articlepage`` rows go in with one
    ``executemany``. Returns the new pages' ids, in ``rows`` order.
    """
    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    child_fields = ArticlePage._meta.local_concrete_fields
    quote = connection.ops.quote_name
    insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(ArticlePage._meta.db_table),
        ", ".join(quote(f.column) for f in child_fields),
        ", ".join(["%s"] * len(child_fields)),
    )
    ids: list[int] = []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        with transaction.atomic():
            column.refresh_from_db(fields=["numchild"])
            pages = []
            for n, row in enumerate(batch, start=column.numchild + 1):
                published = row["publication_date"] if live else None
                pages.append(
                    Page(
                        path=Page._get_path(column.path, column.depth + 1, n),
                        depth=column.depth + 1,
                        numchild=0,
                        title=row["title"],
                        draft_title=row["title"],
                        slug=row["slug"],
                        url_path=f"{column.url_path}{row['slug']}/",
                        content_type=content_type,
                        locale=locale,
                        live=live,
                        has_unpublished_changes=not live,
                        first_published_at=published,
                        last_published_at=published,
                    )
                )
            Page.objects.bulk_create(pages)
            values = []
            for page, row in zip(pages, batch, strict=True):
                data = {**row, "page_ptr_id": page.pk}
                values.append(
                    [
                        f.get_db_prep_save(data[f.attname] if f.attname in data else f.get_default(), connection)
                        for f in child_fields
                    ]
                )
            with connection.cursor() as cursor:
                cursor.executemany(insert_sql, values)
            Page.objects.filter(pk=column.pk).update(numchild=F("numchild") + len(batch))
        ids.extend(page.pk for page in pages)
    column.refresh_from_db(fields=["numchild"])
    return ids
