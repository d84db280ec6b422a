"""Benchmark: 访问统计 — beacon throughput under gunicorn, and the aggregation of a busy day.

Issue 18 item 4. On PostgreSQL with Redis (``REDIS_URL``, required: the counters live there):

- **beacon**: the demo cluster (load_demo) behind gunicorn with the production settings;
  ``wrk`` posts the beacon (``/api/views/<id>/``) for the demo's live pages at random,
  with a different user agent per request (many visitors), and the script prints the
  beacons per second (goal ≥ 1,000) and checks that Redis counted every one of them
  (the site views before and after equal wrk's answered requests); then, as a yardstick of
  what the machine gives at that moment, the cached home page on the same processes;
- **aggregation**: a day of ``VISITS_BENCH_SITES`` sites (default 200) ×
  ``VISITS_BENCH_PAGES`` pages each (default 1,000, bulk-inserted), every page viewed
  1–20 times by 1–10 visitors, written to Redis as the beacons write it; then the time
  of ``aggregate()`` the first time (inserting the rows) and again (the same rows
  rewritten: idempotent, same count and sums).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/visits.py

Settings: ``VISITS_BENCH_WORKERS`` (gunicorn workers, default 2), ``VISITS_BENCH_THREADS``
(default 8), ``VISITS_BENCH_SECONDS`` (wrk, default 10), ``VISITS_BENCH_CONNECTIONS`` (default 64),
``VISITS_BENCH_PARTS`` (default ``beacon,aggregation``: either or both).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from datetime import UTC, datetime

import harness
import processes

if processes.WRK is None:
    sys.exit("bench/visits.py needs wrk: apt-get install -y wrk")
if not os.environ.get("REDIS_URL"):
    sys.exit("bench/visits.py needs REDIS_URL: the counters live in Redis")

harness.setup("visits")

from bulk_pages import insert_articles  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from cms.content.models import ColumnPage  # noqa: E402
from cms.visits import counting  # noqa: E402
from cms.visits.aggregation import aggregate  # noqa: E402
from cms.visits.models import VisitDay  # noqa: E402
from cms.visits.store import redis  # noqa: E402

WORKERS = int(os.environ.get("VISITS_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("VISITS_BENCH_THREADS", "8"))
WRK_SECONDS = int(os.environ.get("VISITS_BENCH_SECONDS", "10"))
WRK_CONNECTIONS = int(os.environ.get("VISITS_BENCH_CONNECTIONS", "64"))
SITES = int(os.environ.get("VISITS_BENCH_SITES", "200"))
PAGES = int(os.environ.get("VISITS_BENCH_PAGES", "1000"))
PARTS = set(os.environ.get("VISITS_BENCH_PARTS", "beacon,aggregation").split(","))
BEACON_GOAL = 1000

LUA = """
local ids = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 bench/" .. math.random(1, 5000)
  return wrk.format("POST", "/api/views/" .. ids[math.random(#ids)] .. "/", headers, "")
end
"""


def site_views() -> int:
    """Every view Redis counted today, over all sites."""
    raw = redis().hgetall(counting.views_key(timezone.localdate()))
    return sum(int(v) for k, v in raw.items() if k.startswith(b"s"))


def run_beacon() -> bool:
    from wagtail.models import Page, Site

    portal = Site.objects.get(is_default_site=True)
    ids = list(Page.objects.live().descendant_of(portal.root_page, inclusive=True).values_list("pk", flat=True))
    workdir = processes.workdir("visits")
    script = workdir / "beacon.lua"
    script.write_text(LUA % ", ".join(map(str, ids)))
    port = processes.free_port()
    print(
        f"beacon under gunicorn (cms.settings.production): {WORKERS} workers × {THREADS} threads; "
        f"wrk {WRK_SECONDS} s, {WRK_CONNECTIONS} connections, POST /api/views/<id>/ over {len(ids)} pages of the portal"
    )
    print(f"  load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    process = harness.timed("start gunicorn", lambda: processes.start_gunicorn(port, workers=WORKERS, threads=THREADS))
    try:
        before = site_views()
        command = [processes.WRK, "--latency", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s"]
        command += ["-H", "Host: localhost", "-s", str(script), f"http://127.0.0.1:{port}/"]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        if "Non-2xx" in output:
            raise RuntimeError(f"wrk saw error responses:\n{output}")
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        answered = int(re.search(r"(\d+) requests in", output).group(1))
        p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)
        p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)
        errors = re.search(r"Socket errors: (.*)", output)
        time.sleep(0.5)  # requests wrk gave up on at the end may still be counted
        counted = site_views() - before
        # The yardstick at the same moment on the same processes: a page from the page cache.
        for _ in range(4 * WORKERS):
            processes.fetch(port, "localhost", "/")
        cached = processes.wrk(port, "localhost", "/", seconds=WRK_SECONDS, connections=WRK_CONNECTIONS)
    finally:
        processes.stop(process)
    print(
        f"  {rate:8.0f} beacons/s, latency p50 {p50}, p99 {p99}"
        + (f" (socket errors: {errors.group(1)})" if errors else "")
    )
    print(f"  yardstick: cached home page {cached.rate:8.0f} requests/s, p50 {cached.p50} (same gunicorn, just after)")
    print(f"  answered {answered}, counted in Redis {counted}: {'none lost' if counted >= answered else 'LOST COUNTS'}")
    print(f"  load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    ok = rate >= BEACON_GOAL and counted >= answered
    print(f"  ≥ {BEACON_GOAL} beacons/s: {'yes' if rate >= BEACON_GOAL else 'NO'}")
    return ok


def fill_day(columns: list[tuple[int, int, list[int]]]) -> int:
    """Write one day of counters for every page as the beacons would; the views written."""
    rng = random.Random(18)
    day = timezone.localdate()
    client = redis()
    views_key = counting.views_key(day)
    total = 0
    pipe = client.pipeline(transaction=False)
    queued = 0
    for site_id, column_id, page_ids in columns:
        site_field = counting.site_field(site_id)
        column_field = counting.column_field(site_id, column_id)
        for page_id in page_ids:
            views, visitors = rng.randint(1, 20), rng.randint(1, 10)
            visitors = min(visitors, views)
            tokens = [f"{site_id}-{rng.randrange(10**9)}" for _ in range(visitors)]
            page_field = counting.page_field(site_id, page_id)
            for field in (site_field, column_field, page_field):
                pipe.hincrby(views_key, field, views)
                pipe.pfadd(counting.visitors_key(day, field), *tokens)
            total += views
            queued += 6
            if queued >= 20_000:
                pipe.execute()
                queued = 0
    pipe.execute()
    return total


def run_aggregation() -> bool:
    from wagtail.models import Site

    sites = harness.timed(f"grow the cluster to {SITES} sites", lambda: harness.grow_cluster(SITES))
    redis().delete(counting.views_key(timezone.localdate()))  # the beacon part's figures: not this day's
    columns = []
    now = datetime.now(UTC)

    def insert() -> None:
        for site in Site.objects.order_by("pk")[:SITES]:
            column = ColumnPage.objects.descendant_of(site.root_page).filter(depth=3).order_by("path").first()
            rows = [
                {"title": f"访问量基准{site.pk}-{n}", "slug": f"v{n}", "publication_date": now} for n in range(PAGES)
            ]
            columns.append((site.pk, column.pk, insert_articles(column, rows, live=True)))

    harness.timed(f"insert {SITES} × {PAGES} pages", insert)
    views = harness.timed("write the day's counters to Redis", lambda: fill_day(columns))
    print(f"aggregation of one day: {sites} sites × {PAGES} pages, {views} views")
    results = []
    for label in ("first run (insert)", "second run (same day again)"):
        start = time.perf_counter()
        summary = aggregate()
        seconds = time.perf_counter() - start
        totals = VisitDay.objects.aggregate(views=Sum("views"), visitors=Sum("visitors"))
        count = VisitDay.objects.count()
        results.append((count, totals["views"], totals["visitors"]))
        print(
            f"  {label:<28} {seconds:6.1f} s, {summary.rows} rows written; table: {count} rows, {totals['views']} views"
        )
    same = results[0] == results[1]
    print(f"  idempotent (same rows and sums after the second run): {'yes' if same else 'NO'}")
    return same


def run() -> int:
    harness.print_machine()
    if connection.vendor != "postgresql":
        print("bench/visits.py needs PostgreSQL (gunicorn reads the benchmark's database)")
        return 1
    stale = list(redis().scan_iter(match=f"{counting.prefix()}*"))  # a previous run's (the prefix is the benchmark's)
    if stale:
        redis().delete(*stale)
    harness.load_demo()
    ok = True
    if "beacon" in PARTS:
        ok = run_beacon()
        print()
    if "aggregation" in PARTS:
        ok = run_aggregation() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "visitsbench"))
