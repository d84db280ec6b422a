"""Very common words on PostgreSQL: estimated totals and facets, bounded ranking.

Above SEARCH_EXACT_LIMIT matches the database backend counts one sample bucket
(1/64 of the index, by a hash of the page id) and scales it, and relevance
scores the newest RERANK_WINDOW title/summary matches. The limit is lowered
here so 1,280 documents are "very common".
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from wagtail.models import Locale, Page

from search.analysis import parse_query
from search.backends import database
from search.backends.base import SearchQuery
from search.models import SAMPLE_BUCKETS, sample_bucket

from .test_contract import document

COUNT = 1_280
START = date(2020, 1, 1)


def bare_pages(parent: Page, count: int) -> list[int]:
    """``count`` plain child pages in one INSERT (entries need real pages; Wagtail's add_child takes minutes)."""
    content_type = ContentType.objects.get_for_model(Page)
    locale = Locale.get_default()
    depth = parent.depth + 1
    pages = Page.objects.bulk_create(
        Page(
            title=f"common {n}",
            draft_title=f"common {n}",
            slug=f"common-{n}",
            url_path=f"{parent.url_path}common-{n}/",
            path=Page._get_path(parent.path, depth, parent.numchild + n + 1),
            depth=depth,
            numchild=0,
            content_type=content_type,
            locale=locale,
        )
        for n in range(count)
    )
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + count)
    return [page.pk for page in pages]


def title_of(n: int) -> str:
    if n == COUNT - 3:
        return "网站网站建设网站：网站群"  # among the newest title matches, the strongest
    return f"第{n}号网站通知" if n % 2 == 0 else f"第{n}号工作通知"


@pytest.fixture
def common(db, portal, settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the sampled estimates are PostgreSQL's (SQLite counts exactly)")
    settings.SEARCH_EXACT_LIMIT = 5 * SAMPLE_BUCKETS
    monkeypatch.setattr(database, "MIN_SAMPLE", 3)
    monkeypatch.setattr(database, "RERANK_WINDOW", 5)
    backend = database.DatabaseBackend()
    backend.clear()
    ids[:] = bare_pages(portal.root_page, COUNT)
    docs = [
        # Every document has 网站 in its body, every other one in its title too; 罕见词 in three.
        document(
            ids[n],
            title_of(n),
            "推进网站建设。" + ("罕见词。" if n in (10, 20, 30) else ""),
            site_id=portal.pk,
            when=START + timedelta(days=n),
            genre="通知" if n % 4 else "公告",
        )
        for n in range(COUNT)
    ]
    backend.index(docs)
    return backend


def search(backend, text: str, **fields):
    return backend.search(SearchQuery(parsed=parse_query(text), **fields))


ids: list[int] = []  # page id of document n, set by the fixture


def number(hit) -> int:
    return ids.index(hit.page_id)


def in_sample(numbers) -> list[int]:
    return [n for n in numbers if sample_bucket(ids[n]) == 0]


def test_a_very_common_word_gets_a_scaled_total_and_facets(common):
    results = search(common, "网站")

    assert results.approximate
    assert results.total == SAMPLE_BUCKETS * len(in_sample(range(COUNT)))
    announcements = len(in_sample(n for n in range(COUNT) if n % 4 == 0))
    assert dict(results.facets["genre"]) == {
        "公告": SAMPLE_BUCKETS * announcements,
        "通知": results.total - SAMPLE_BUCKETS * announcements,
    }


def test_a_filter_on_a_very_common_word_is_estimated_from_the_same_sample(common):
    results = search(common, "网站", filters={"genre": "通知"})

    assert results.approximate
    assert results.total == SAMPLE_BUCKETS * len(in_sample(n for n in range(COUNT) if n % 4))
    assert dict(results.facets["genre"]) == {"通知": results.total}  # the filtered-out 公告 is not counted


def test_a_rare_word_is_counted_exactly(common):
    results = search(common, "罕见词")

    assert not results.approximate
    assert results.total == 3
    assert [number(hit) for hit in results.hits] == [30, 20, 10]


def test_filters_that_leave_few_matches_are_counted_exactly(common):
    # 网站 is very common, but in 2020's January 公告 it is not.
    results = search(common, "网站", filters={"genre": "公告"}, date_to=START + timedelta(days=30))

    assert not results.approximate
    assert results.total == len([n for n in range(31) if n % 4 == 0])


def test_relevance_scores_the_newest_title_matches_then_lists_the_rest_newest_first(common):
    results = search(common, "网站", limit=8)
    found = [number(hit) for hit in results.hits]

    newest_in_titles = [n for n in range(COUNT - 1, -1, -1) if "网站" in title_of(n)][:5]
    # The window: the strongest title first, the others newest first (equal scores).
    assert found[0] == COUNT - 3
    assert found[:5] == [COUNT - 3] + [n for n in newest_in_titles if n != COUNT - 3]
    # Then every other match by date: the newest documents not in the window.
    assert found[5:] == [n for n in range(COUNT - 1, -1, -1) if n not in newest_in_titles][:3]


def test_pages_beyond_the_window_continue_by_date(common):
    first = search(common, "网站", limit=5)
    second = search(common, "网站", offset=5, limit=5)

    assert not {hit.page_id for hit in first.hits} & {hit.page_id for hit in second.hits}
    dates = [hit.publication_date for hit in second.hits]
    assert dates == sorted(dates, reverse=True)


def test_date_order_stays_exact(common):
    results = search(common, "网站", sort="date", offset=3, limit=4)

    assert [number(hit) for hit in results.hits] == [COUNT - 4, COUNT - 5, COUNT - 6, COUNT - 7]


def test_the_search_page_says_the_counts_are_estimates(common, client, portal):
    response = client.get("/search/", {"q": "网站", "scope": "site"}, HTTP_HOST=portal.hostname)

    assert response.status_code == 200
    assert "约有" in response.content.decode()
    assert '<span class="count">(约' in response.content.decode()  # facet counts too


def test_the_same_query_without_the_limit_is_exact(common, settings):
    settings.SEARCH_EXACT_LIMIT = SAMPLE_BUCKETS * COUNT
    results = search(common, "网站")

    assert not results.approximate
    assert results.total == COUNT
