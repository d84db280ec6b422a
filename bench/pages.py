"""Benchmark: public page rendering per theme, uncached and from the page cache.

Issue "themes". On the demo cluster (load_demo) it prints, for the portal (base
theme) and a township (township theme): SQL queries and median time of the home
page, a column, an article and the disclosure catalogue — rendered (cache
emptied before each request) and served from the anonymous page cache (which
must take zero queries; the script exits 1 otherwise).

    .venv/bin/python bench/pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time

import harness

harness.setup("pages")

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cms.content.models import ArticlePage  # noqa: E402
from sites.page_cache import bump_generation  # noqa: E402

RUNS = 7


def measure(client: Client, host: str, path: str, *, cached: bool) -> tuple[int, float]:
    """(queries, median ms) of ``path`` on ``host``, rendered or from the cache."""
    times, queries = [], 0
    client.get(path, HTTP_HOST=host)  # warm Wagtail's and the template caches
    for _ in range(RUNS):
        if not cached:
            bump_generation()  # retire cached pages, keep other caches warm
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path, HTTP_HOST=host)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (host, path, response.status_code)
        queries = len(captured)
    return queries, statistics.median(times)


def run() -> int:
    harness.print_machine()
    harness.timed(
        "load the demo cluster",
        lambda: call_command("load_demo", "--password", "Bench-2026", verbosity=0, stdout=io.StringIO()),
    )
    client = Client()
    ok = True
    print("page rendering per theme (median of 7; rendered = page cache retired before each request)")
    for host, theme, column in (("localhost", "base", "/zcwj/"), ("shuiyang.localhost", "township", "/gzdt/")):
        article = ArticlePage.objects.live().filter(url_path__startswith=f"/{host.replace('.', '-')}{column}").first()
        catalogue = "/zfxxgk/xxgkml/"
        pages = [("home", "/"), ("column", column), ("article", column + article.slug + "/"), ("catalogue", catalogue)]
        for label, path in pages:
            rendered = measure(client, host, path, cached=False)
            hit = measure(client, host, path, cached=True)
            ok = ok and hit[0] == 0
            print(
                f"  {theme:<9} {label:<10} rendered {rendered[0]:>3} queries {rendered[1]:7.1f} ms"
                f" | cached {hit[0]} queries {hit[1]:6.2f} ms"
            )
    print(f"  cached pages take zero queries: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "pagebench"))
