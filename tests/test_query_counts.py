"""Rendering a page costs the same number of queries however many sites there are."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sites.models import SiteType

from .conftest import column_of, publish_article


def queries_for(client, host: str, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return len(captured)


def test_home_and_column_query_counts_do_not_grow_with_sites(client, portal, township, make_site):
    for n in range(3):
        publish_article(column_of(township, "gzdt"), f"工作动态{n}")
    pages = [(portal.hostname, "/"), (township.hostname, "/"), (township.hostname, "/gzdt/")]
    for host, path in pages:  # warm Wagtail's per-process caches (content types, site root paths)
        queries_for(client, host, path)
    few = [queries_for(client, host, path) for host, path in pages]

    for n in range(4):
        make_site(f"dept{n}.example.gov.cn", SiteType.DEPARTMENT, name=f"部门{n}")
    for host, path in pages:
        queries_for(client, host, path)
    many = [queries_for(client, host, path) for host, path in pages]

    assert many == few
    assert max(few) <= 15
