"""A rebuild leaves PostgreSQL's index ready for fast searches, not waiting for autovacuum."""

from __future__ import annotations

import pytest
from django.db import connection

from search import services
from search.models import SearchEntry


def test_a_rebuild_outside_a_transaction_vacuums_and_analyses(seeded_transactional_db, portal):
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the planner's statistics are PostgreSQL's")

    written = services.rebuild_index()

    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible, reltuples FROM pg_class WHERE relname = 'search_searchentry'")
        all_visible_pages, estimated_rows = cursor.fetchone()
    assert written == SearchEntry.objects.count() > 0
    assert all_visible_pages > 0  # only VACUUM sets the visibility map
    assert estimated_rows == written  # ANALYZE read every row of a table this small
