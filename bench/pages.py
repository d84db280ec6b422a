"""Benchmark: public pages per theme — queries, render time, and cached throughput under gunicorn.

Issue "themes". On the demo cluster (load_demo) it prints, for the portal (base
theme) and a township (township theme), for the home page, a column, an article
and the disclosure catalogue:

- **rendered**: SQL queries and median time of one request when the page cache
  misses (its generation bumped before each request; the per-site facts and view
  restrictions stay cached, as between two changes), through ``django.test.Client``;
- **cold**: the same with every cache of the public pages retired (right after a
  change to a site or a restriction): the worst case;
- **cached**: served from the anonymous page cache, which must take zero queries.

Then the query counts again with 50 sites in the cluster: they must not change
(goal: ≤ 12 queries per rendered page whatever the cluster's size). The script
exits 1 if a goal on queries is missed.

On PostgreSQL it then starts **gunicorn** with the production settings
(``cms.settings.production``: DEBUG off, SECRET_KEY and ALLOWED_HOSTS from the
environment) on loopback against the benchmark's database, and prints for the
home, column and article pages the median time of an uncached request (a fresh
query string each time, so the page cache misses) and the requests per second of
cached pages measured with ``wrk`` (goal: cached article ≥ 1,500 requests/s).

    .venv/bin/python bench/pages.py                    # SQLite: no gunicorn part
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/pages.py

``wrk`` is the Debian package ``wrk`` (``apt-get install -y wrk``); without it
the script says so and exits 1 before loading anything. Settings (environment):
``PAGES_BENCH_WORKERS`` (default 2: one per core), ``PAGES_BENCH_THREADS``
(default 8, gthread workers: they keep connections alive and overlap the cache
round trips), ``PAGES_BENCH_SECONDS`` (wrk duration, default 10),
``PAGES_BENCH_CONNECTIONS`` (default 64), ``PAGES_BENCH_SITES`` (default 50).
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from dataclasses import dataclass

import harness
import processes

if processes.WRK is None:
    sys.exit("bench/pages.py needs wrk for the requests/second figures: apt-get install -y wrk")

harness.setup("pages")

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cms.content.models import ArticlePage  # noqa: E402
from core.cache import Scope, invalidate  # noqa: E402
from sites import appearance  # noqa: E402

fetch = processes.fetch

RUNS = 7
MAX_QUERIES = 12
WORKERS = int(os.environ.get("PAGES_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("PAGES_BENCH_THREADS", "8"))
WRK_SECONDS = int(os.environ.get("PAGES_BENCH_SECONDS", "10"))
WRK_CONNECTIONS = int(os.environ.get("PAGES_BENCH_CONNECTIONS", "64"))
CLUSTER_SITES = int(os.environ.get("PAGES_BENCH_SITES", "50"))
ARTICLE_GOAL = 1500


@dataclass(frozen=True)
class Target:
    host: str
    theme: str
    label: str
    path: str


def retire_everything() -> None:
    """Every cache a public page reads, as right after a change to a site or a restriction."""
    invalidate(Scope.PAGES, Scope.SITE_FACTS, Scope.VIEW_RESTRICTIONS)
    from wagtail.models import Site

    cache.delete_many([appearance._key(pk) for pk in Site.objects.values_list("pk", flat=True)])


def measure(client: Client, target: Target, mode: str) -> tuple[int, float]:
    """(queries, median ms) of one page: ``rendered``, ``cold`` or ``cached``."""
    times, counts = [], set()
    client.get(target.path, HTTP_HOST=target.host)  # warm Wagtail's and the template caches
    for _ in range(RUNS):
        if mode == "rendered":
            invalidate(Scope.PAGES)  # retire cached pages, keep the per-site facts
        elif mode == "cold":
            retire_everything()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(target.path, HTTP_HOST=target.host)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (target, response.status_code)
        counts.add(len(captured))
    assert len(counts) == 1, (target, mode, counts)  # the same page costs the same every time
    return counts.pop(), statistics.median(times)


def targets() -> list[Target]:
    found = []
    for host, theme, column in (("localhost", "base", "/zcwj/"), ("shuiyang.localhost", "township", "/gzdt/")):
        prefix = f"/{host.replace('.', '-')}{column}"
        article = ArticlePage.objects.live().filter(url_path__startswith=prefix).order_by("pk").first()
        found += [
            Target(host, theme, "home", "/"),
            Target(host, theme, "column", column),
            Target(host, theme, "article", f"{column}{article.slug}/"),
            Target(host, theme, "catalogue", "/zfxxgk/xxgkml/"),
        ]
    return found


# gunicorn ------------------------------------------------------------------------


def uncached_median(port: int, target: Target) -> float:
    """Median ms of a request the page cache does not answer: one with a session cookie, as a
    signed-in reader's (a junk query string no longer will do: the cache keys on the
    parameters a page reads)."""
    times = []
    for n in range(RUNS + 1):
        start = time.perf_counter()
        cookie = {"Cookie": f"sessionid=bench{secrets.token_hex(4)}"}
        status, _, _ = fetch(port, target.host, target.path, cookie)
        if n:  # the first one warms this worker's template cache
            times.append((time.perf_counter() - start) * 1000)
        assert status == 200, (target, status)
    return statistics.median(times)


def wrk(port: int, target: Target) -> processes.Load:
    """requests/s and latency of a cached page."""
    # Fill the cache of every worker (with a per-process cache each has its own): until a hit.
    for _ in range(4 * WORKERS):
        status, headers, _ = fetch(port, target.host, target.path)
        if headers.get("X-Page-Cache") == "hit":
            break
    assert status == 200 and headers.get("X-Page-Cache") == "hit", (target, status, headers.get("X-Page-Cache"))
    return processes.wrk(port, target.host, target.path, seconds=WRK_SECONDS, connections=WRK_CONNECTIONS)


def run_gunicorn(pages: list[Target]) -> bool:
    port = processes.free_port()
    print(
        f"gunicorn (cms.settings.production, DEBUG off) on 127.0.0.1: {WORKERS} workers × {THREADS} threads"
        f" ({'gthread' if THREADS > 1 else 'sync'}); wrk {WRK_SECONDS} s, {WRK_CONNECTIONS} connections, 2 threads;"
        f" cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    # wrk, gunicorn, PostgreSQL and Redis share the cores with anything else running.
    print(f"  load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    process = harness.timed("start gunicorn", lambda: processes.start_gunicorn(port, workers=WORKERS, threads=THREADS))
    ok = True
    try:
        for target in pages:
            if target.label == "catalogue":
                continue
            uncached = uncached_median(port, target)
            load = wrk(port, target)
            rate, p50, p99, errors = load.rate, load.p50, load.p99, load.errors
            print(
                f"  {target.theme:<9} {target.label:<8} uncached {uncached:7.1f} ms (median of {RUNS})"
                f" | cached {rate:8.0f} requests/s, latency p50 {p50}, p99 {p99}"
                + (f" (socket errors: {errors})" if errors else "")
            )
            if target.label == "article" and target.theme == "base":
                ok = rate >= ARTICLE_GOAL
        print(f"  load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
        print(f"  cached article ≥ {ARTICLE_GOAL} requests/s: {'yes' if ok else 'NO'}")
    finally:
        processes.stop(process)
    return ok


def run() -> int:
    harness.print_machine()
    harness.load_demo()
    from wagtail.models import Site

    client = Client()
    pages = targets()
    ok = True
    sites = Site.objects.count()
    print(f"page rendering per theme, {sites} sites (django.test.Client, median of {RUNS})")
    print("  rendered = page cache missed; cold = every cache retired; cached = from the page cache")
    counts = {}
    for target in pages:
        rendered = measure(client, target, "rendered")
        cold = measure(client, target, "cold")
        hit = measure(client, target, "cached")
        counts[target] = rendered[0]
        ok = ok and hit[0] == 0 and rendered[0] <= MAX_QUERIES
        print(
            f"  {target.theme:<9} {target.label:<10} rendered {rendered[0]:>2} queries {rendered[1]:6.1f} ms"
            f" | cold {cold[0]:>2} queries {cold[1]:6.1f} ms | cached {hit[0]} queries {hit[1]:5.2f} ms"
        )

    sites = harness.timed(f"grow the cluster to {CLUSTER_SITES} sites", lambda: harness.grow_cluster(CLUSTER_SITES))
    grown = {target: measure(client, target, "rendered")[0] for target in pages}
    same = grown == counts
    ok = ok and same
    print(
        f"  with {sites} sites: rendered queries "
        + ", ".join(f"{t.theme} {t.label} {grown[t]}" for t in pages)
        + f" — {'the same' if same else 'DIFFERENT'}"
    )
    print(f"  ≤ {MAX_QUERIES} queries per rendered page, 0 per cached page: {'yes' if ok else 'NO'}")
    print()

    if connection.vendor == "postgresql":
        ok = run_gunicorn(pages) and ok
    else:
        print("gunicorn part skipped: it needs PostgreSQL (the throwaway SQLite database is in this process)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "pagebench"))
