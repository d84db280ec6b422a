"""Rendering a page costs the same few queries however many sites there are.

Issue "themes": at most 12 queries for an uncached home, column, article or
catalogue page, equal at every cluster size. "Uncached" means the page cache
missed; the per-site facts (``sites.site_facts``) and view restrictions
(``cms.content.serving``) stay cached as they do between two changes. A page
rendered from a completely empty cache is measured too.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cache import Scope, invalidate
from sites.models import SiteType

from .conftest import column_of, publish_article

MAX_QUERIES = 12


def queries_for(client, host: str, path: str) -> int:
    invalidate(Scope.PAGES)  # retire the page cache only
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, (host, path)
    assert response["X-Page-Cache"] == "miss"
    return len(captured)


def test_public_page_query_counts_do_not_grow_with_sites(client, portal, township, make_site):
    for n in range(3):
        publish_article(column_of(township, "gzdt"), f"工作动态{n}", slug=f"gzdt{n}")
        publish_article(column_of(portal, "zcwj"), f"政策文件{n}", slug=f"zcwj{n}")
    pages = [
        (portal.hostname, "/"),
        (portal.hostname, "/zcwj/"),
        (portal.hostname, "/zcwj/zcwj1/"),
        (portal.hostname, "/zfxxgk/xxgkml/"),
        (portal.hostname, "/zfxxgk/"),  # the disclosure landing page
        (portal.hostname, "/ywdt/"),  # a parent column: its sub-columns' items
        (township.hostname, "/"),
        (township.hostname, "/gzdt/"),
        (township.hostname, "/gzdt/gzdt1/"),
    ]
    for host, path in pages:  # warm Wagtail's per-process caches (content types, site root paths)
        queries_for(client, host, path)
    few = [queries_for(client, host, path) for host, path in pages]

    for n in range(4):
        make_site(f"dept{n}.example.gov.cn", SiteType.DEPARTMENT, name=f"部门{n}")
    for host, path in pages:
        queries_for(client, host, path)
    many = [queries_for(client, host, path) for host, path in pages]

    assert many == few
    assert max(few) <= MAX_QUERIES, dict(zip(pages, few, strict=True))


# Push and takedown (cms/syndication) added two reads after this budget was set:
# the cluster's withdrawn-page list (cached until the next takedown or restore,
# so read only from an empty cache) and an article's 来源 push record.
COLD_CACHE_EXTRA = 2


def test_a_page_rendered_from_an_empty_cache_stays_within_the_limit(client, portal, township):
    publish_article(column_of(township, "gzdt"), "工作动态", slug="news")
    for path in ("/", "/gzdt/", "/gzdt/news/"):
        client.get(path, HTTP_HOST=township.hostname)  # warm the per-process caches
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, HTTP_HOST=township.hostname).status_code == 200
        assert len(captured) <= MAX_QUERIES + COLD_CACHE_EXTRA, (path, [q["sql"][:80] for q in captured])


def test_the_menu_costs_the_same_however_many_columns_have_items(client, portal, township):
    """Which menu columns have content is one subquery of the menu's own query (cms/content/navigation.py)."""
    publish_article(column_of(township, "gzdt"), "工作动态", slug="first")
    queries_for(client, township.hostname, "/gzdt/")  # warm the per-process caches
    one_column = queries_for(client, township.hostname, "/gzdt/")
    for slug in ("xzgk", "tzgg", "bsfw"):
        for n in range(3):
            publish_article(column_of(township, slug), f"{slug}{n}", slug=f"{slug}{n}")
    html = client.get("/gzdt/", HTTP_HOST=township.hostname).content.decode()
    assert ">办事服务</a>" in html  # now in the menu
    assert queries_for(client, township.hostname, "/gzdt/") == one_column
