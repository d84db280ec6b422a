"""Benchmark: 每月通报 and the ranking (issue 18, 网站监管) over a year of score history.

Builds a cluster of N sites (default 200) and a year of daily ``ScoreSnapshot`` rows for each
(N × 365 rows, every rule's status; a few vetoes and reds spread over them), then prints the wall
time and SQL queries of ``build_report`` for a month, a quarter and a year, and the time and
size of the XLSX and the PDF (WeasyPrint) of the year. The report's queries must not depend on
the number of sites (the script exits with status 1 if the month's count differs from 5).

Runs in a throwaway test database (``harness.run_in_throwaway_database``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/monitoring_report.py --sites 200
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

import harness

harness.setup("monitoring_report")

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.models import Site  # noqa: E402

from cms.monitoring.models import ScoreSnapshot, Status  # noqa: E402
from cms.monitoring.pdf import report_pdf  # noqa: E402
from cms.monitoring.report import Period, build_report, report_xlsx  # noqa: E402
from cms.monitoring.rules import RULES  # noqa: E402

YEAR = 2025


def history(sites: list[Site]) -> int:
    """A year of days per site: mostly green, a red every 7th day, a veto every 31st for every 5th site."""
    rows = []
    first = date(YEAR, 1, 1)
    for n, site in enumerate(sites):
        for day in range(365):
            statuses = {rule.key: Status.GREEN for rule in RULES}
            points = Decimal(100 - (n % 40))
            vetoes = 0
            if day % 7 == 0:
                statuses["column_update"] = Status.RED
                points -= 2
            if n % 5 == 0 and day % 31 == 0:
                statuses["home_update"] = Status.VETO
                vetoes = 1
            rows.append(
                ScoreSnapshot(
                    site=site,
                    date=first + timedelta(days=day),
                    points=points,
                    vetoes=vetoes,
                    statuses=statuses,
                    messages={key: "首页最新信息发布于3天前。" for key in statuses},
                )
            )
    ScoreSnapshot.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def measure(action):
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - start
    return result, elapsed, len(queries.captured_queries)


def run(sites: int) -> int:
    harness.print_machine()
    harness.timed(f"provision {sites} sites", lambda: harness.grow_cluster(sites))
    all_sites = list(Site.objects.filter(profile__isnull=False).order_by("pk"))
    count = harness.timed("insert a year of daily snapshots", lambda: history(all_sites))
    print(f"history         {count:,} snapshots ({len(all_sites)} sites × 365 days)")
    month_queries = None
    for key in (f"{YEAR}-06", f"{YEAR}-Q2", str(YEAR)):
        report, seconds, queries = measure(lambda key=key: build_report(Period.parse(key)))
        month_queries = month_queries if month_queries is not None else queries
        print(f"build_report {key:8} {seconds * 1000:6.0f} ms, {queries} queries, {len(report.rows)} sites")
    year = build_report(Period.parse(str(YEAR)))
    start = time.perf_counter()
    xlsx = report_xlsx(year)
    print(f"XLSX of the year {time.perf_counter() - start:.2f} s, {len(xlsx) / 1024:.0f} KiB")
    start = time.perf_counter()
    pdf = report_pdf(year)
    print(f"PDF of the year  {time.perf_counter() - start:.2f} s, {len(pdf) / 1024:.0f} KiB")
    return 0 if month_queries == 5 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    args = parser.parse_args()
    return harness.run_in_throwaway_database(lambda: run(args.sites), "rptbench")


if __name__ == "__main__":
    sys.exit(main())
