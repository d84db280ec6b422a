"""Benchmark: 一键推送 and 一键下架 across the cluster.

Issue 6. Prints wall time and SQL queries for, at 10 sites and again at 50 sites:

- ``push`` of one item to 2 columns in every other site, left pending in the
  targets' inboxes (the records only: 18 columns at 10 sites, 98 at 50 sites);
- ``push`` of one item to the same columns, auto-accepted (an alias or a copy
  published in every target column);
- ``take_down`` (gone) of an item with one alias or copy in every one of those
  columns (half aliases, half copies), and its ``restore``.

Each action runs as production runs it: background work goes to the database task
queue (``django_tasks_db``) and a worker (``db_worker --batch``) drains it afterwards.
The figures are the request's part (what the user waits for) and the worker's part
(Wagtail's unpublish/publish of every page, search and reference indexing).

The goal (issue 6) is ≤ 1 s for the push to ~100 columns and the takedown of ~100
copies, in the request. A pending push takes the same number of queries at 10 and at 50 sites. The
other actions work page by page through Wagtail (copy/alias on acceptance; unpublish
and publish for a takedown and its restore, so Wagtail's signals, audit log and
indexing follow), so they grow with the pages they reach, never faster: their queries
per page must not grow with the number of sites (the script exits 1 otherwise).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/synd .venv/bin/python bench/syndication.py
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import harness

os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
harness.setup("syndication")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Site  # noqa: E402

from cms.content.models import ArticlePage, ColumnPage  # noqa: E402
from cms.syndication.models import ColumnPushSettings, PushMode, TakedownKind  # noqa: E402
from cms.syndication.push import push  # noqa: E402
from cms.syndication.takedown import restore, take_down  # noqa: E402
from core.publishing import review_waived  # noqa: E402
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType  # noqa: E402
from sites.services import SubsiteRequest, provision_subsite  # noqa: E402

SITE_COUNTS = (10, 50)
DOMAIN = "bench.localhost"
COLUMNS_PER_SITE = ("gzdt", "tzgg")
GOAL_SECONDS = 1.0


@dataclass
class Figure:
    sites: int
    action: str
    targets: int
    queries: int
    seconds: float
    worker_queries: int = 0
    worker_seconds: float = 0.0


def timed_queries(call) -> tuple[int, float, object]:
    reset_queries()  # the query log keeps 9000 entries; past that a capture reads 0
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - start
    return len(captured), seconds, result


def drain_queue() -> None:
    """Run every queued background task, as the production worker would."""
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0, reload=False)


def measure(sites: int, action: str, targets: int, call) -> tuple[Figure, object]:
    drain_queue()  # nothing of an earlier step is counted here
    queries, seconds, result = timed_queries(call)
    worker_queries, worker_seconds, _ = timed_queries(drain_queue)
    return Figure(sites, action, targets, queries, seconds, worker_queries, worker_seconds), result


def provision(sites: list[Site], count: int) -> None:
    while len(sites) < count:
        n = len(sites)
        site_type = SiteType.TOWNSHIP if n % 2 else SiteType.DEPARTMENT
        organisation = Organisation.objects.create(
            name=f"基准单位{n}", kind=OrganisationKind.DEPARTMENT, index_code=f"8{n:08d}"
        )
        sites.append(
            provision_subsite(
                SubsiteRequest(
                    hostname=f"s{n}.{DOMAIN}",
                    site_name=f"基准子站{n}",
                    site_type=site_type,
                    organisation=organisation,
                    site_id_code="3418020001",
                    status=SiteStatus.OPEN,
                )
            )
        )


def column(site: Site, slug: str) -> ColumnPage:
    return ColumnPage.objects.get(url_path=f"{site.root_page.url_path}{slug}/")


def new_item(site: Site, slug: str) -> ArticlePage:
    page = ArticlePage(title=f"基准信息{slug}", slug=slug, body="<p>正文</p>", publication_date=timezone.now())
    column(site, "tzgg").add_child(instance=page)
    with review_waived("基准数据"):
        page.save_revision().publish()
    page.refresh_from_db()
    return page


def bench_round(sites: list[Site], admin) -> list[Figure]:
    count = len(sites)
    source_site = sites[0]
    targets = [column(site, slug) for site in sites[1:] for slug in COLUMNS_PER_SITE]
    for target in targets:
        ColumnPushSettings.objects.get_or_create(column=target)[0].auto_accept_from.clear()
    figures = []

    pending_item = new_item(source_site, f"pending{count}")
    figure, _ = measure(
        count, "push, pending", len(targets), lambda: push(pending_item, targets, PushMode.ALIAS, admin)
    )
    figures.append(figure)

    for target in targets:
        ColumnPushSettings.objects.get(column=target).auto_accept_from.add(source_site)
    item = new_item(source_site, f"spread{count}")
    half = len(targets) // 2
    aliases, copies = targets[:half], targets[half:]
    figure, _ = measure(
        count, "push, auto-accepted (aliases)", len(aliases), lambda: push(item, aliases, PushMode.ALIAS, admin)
    )
    figures.append(figure)
    figure, _ = measure(
        count, "push, auto-accepted (copies)", len(copies), lambda: push(item, copies, PushMode.COPY, admin)
    )
    figures.append(figure)

    figure, result = measure(
        count, "take_down (gone)", len(targets) + 1, lambda: take_down(item, TakedownKind.GONE, "基准测试", admin)
    )
    assert len(result.pages) == len(targets) + 1, len(result.pages)
    figures.append(figure)
    figure, _ = measure(count, "restore", len(targets) + 1, lambda: restore(item, admin, "基准测试恢复"))
    figures.append(figure)
    return figures


def run() -> int:
    harness.print_machine()
    admin = get_user_model().objects.create_superuser("bench", "bench@example.gov.cn", "Bench-pass-2026")
    portal_org = Organisation.objects.create(
        name="基准区人民政府", kind=OrganisationKind.PORTAL, index_code="800000000"
    )
    sites = [
        provision_subsite(
            SubsiteRequest(
                hostname=f"www.{DOMAIN}",
                site_name="基准区人民政府",
                site_type=SiteType.PORTAL,
                organisation=portal_org,
                site_id_code="3418020001",
                status=SiteStatus.OPEN,
            )
        )
    ]
    figures: list[Figure] = []
    for count in SITE_COUNTS:
        harness.timed(f"provision {count} sites", lambda c=count: provision(sites, c))
        figures += bench_round(sites[:count], admin)

    print("push and takedown (cms.syndication.push, .takedown), each call in its own transaction;")
    print("'worker': the background tasks it queued, drained afterwards by db_worker --batch")
    print(
        f"  {'sites':>5}  {'action':<32} {'pages/targets':>13} {'queries':>8} {'seconds':>8}"
        f" {'worker q':>9} {'worker s':>9}"
    )
    for f in figures:
        print(
            f"  {f.sites:>5}  {f.action:<32} {f.targets:>13} {f.queries:>8} {f.seconds:>8.3f}"
            f" {f.worker_queries:>9} {f.worker_seconds:>9.3f}"
        )

    ok = True
    # In the request, these take the same number of queries however many pages they reach.
    for action in ("push, pending", "take_down (gone)", "restore"):
        counts = {f.sites: f.queries for f in figures if f.action == action}
        if len(set(counts.values())) != 1:
            print(f"FAIL: {action}: queries in the request grow with the number of sites: {counts}")
            ok = False
    for action in ("push, auto-accepted (aliases)", "push, auto-accepted (copies)", "take_down (gone)", "restore"):
        per_page = {f.sites: (f.queries + f.worker_queries) / f.targets for f in figures if f.action == action}
        print(
            f"  {action}: queries per page, request and worker,"
            f" {', '.join(f'{q:.1f} at {n} sites' for n, q in per_page.items())}"
        )
        if per_page[max(SITE_COUNTS)] > per_page[min(SITE_COUNTS)] * 1.05:
            print(f"FAIL: {action}: queries per page grow with the number of sites")
            ok = False
    largest = max(SITE_COUNTS)
    for f in figures:
        in_goal = f.action in ("push, pending", "take_down (gone)", "restore")
        if f.sites == largest and in_goal and f.seconds > GOAL_SECONDS:
            print(f"over goal: {f.action} took {f.seconds:.3f} s (goal ≤ {GOAL_SECONDS} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "syndication"))
