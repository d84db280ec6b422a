"""Benchmark: recomputing the inspection indicators (issue 18, 网站监管).

Builds a cluster of N department sites (default 50) with P published items each (default
1,000) in their news columns — rich text with a page link and a document link each — then
prints:

- **recompute, all sites**: wall time and SQL queries of ``RecomputeIndicatorsAction()``
  (every rule for every site, rows replaced in one transaction), and queries per site;
- **recompute, all sites again**: the same with every text's check result held in the cache
  (the daily run when nothing was edited: ``facts._checked_texts``);
- **recompute, one site**: queries, with P items and with 2 P items in that site (the count
  must not grow with pages; the script exits with status 1 if it does);
- **board read**: queries of ``board_rows(visible_sites(...))`` for all N sites;
- **link checker** (``--links``, default 2,000): throughput of ``LinkChecker.check_all`` against
  local HTTP servers on loopback (``tests/linkcheck/helpers.LinkServer`` on 127.0.0.1 … 127.0.0.H,
  each answer delayed by ``--link-latency``), with ``--link-concurrency`` and ``--link-per-host``
  and no per-host delay; then the same number of addresses through a whole run
  (``CheckExternalLinksAction``: links recorded from as many published items, checked, stored).
  Prints links/s and the most requests one server saw at once (never above the per-host limit).

Runs in a throwaway test database (``harness.run_in_throwaway_database``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/monitoring.py --sites 50 --pages 1000

``--parts linkcheck`` runs the link checker part alone (``recompute`` the rest).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta

import harness

harness.setup("monitoring")

from bulk_pages import insert_articles  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.documents import get_document_model  # noqa: E402
from wagtail.models import Site  # noqa: E402

from cms.content.models import ColumnPage, ColumnType  # noqa: E402
from cms.linkcheck.actions import CheckExternalLinksAction  # noqa: E402
from cms.linkcheck.checker import CheckerConfig, LinkChecker  # noqa: E402
from cms.monitoring.actions import RecomputeIndicatorsAction  # noqa: E402
from cms.monitoring.board import board_rows, visible_sites  # noqa: E402
from tests.linkcheck.helpers import LinkServer  # noqa: E402


def fill(site: Site, pages: int, document_id: int, start: int) -> None:
    column = ColumnPage.objects.descendant_of(site.root_page).filter(column_type=ColumnType.NEWS).first()
    now = timezone.now()
    rows = [
        {
            "title": f"压测信息{start + n}",
            "slug": f"b{start + n}",
            "publication_date": now - timedelta(hours=n),
            "body": (
                f"<p>第{start + n}条：关于进一步做好政务公开工作的通知，"
                f'<a linktype="page" id="{column.pk}">返回栏目</a>，'
                f'<a linktype="document" id="{document_id}">附件</a>。</p>' * 4
            ),
        }
        for n in range(pages)
    ]
    insert_articles(column, rows, live=True)


def measure(action) -> tuple[float, int]:
    reset_queries()  # the log is a bounded deque: counts only move on a fresh one
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        action()
        elapsed = time.perf_counter() - start
    return elapsed, len(queries.captured_queries)


def run_recompute(sites: int, pages: int) -> int:
    harness.timed(f"provision {sites} sites", lambda: harness.grow_cluster(sites))
    document = get_document_model().objects.create(title="压测附件")
    all_sites = list(Site.objects.select_related("root_page").order_by("pk"))
    harness.timed(
        f"insert {pages} items per site",
        lambda: [fill(site, pages, document.pk, n * pages) for n, site in enumerate(all_sites)],
    )
    total = len(all_sites) * pages
    seconds, queries = measure(lambda: RecomputeIndicatorsAction().execute())
    print(f"recompute, all sites ({len(all_sites)} sites, {total:,} items)")
    print(f"  time          {seconds:.2f} s ({seconds / len(all_sites) * 1000:.0f} ms per site)")
    print(f"  queries       {queries} ({queries / len(all_sites):.1f} per site)")
    seconds, queries = measure(lambda: RecomputeIndicatorsAction().execute())
    print("recompute, all sites again (the next day: no text changed, what each text holds is in the cache)")
    print(f"  time          {seconds:.2f} s ({seconds / len(all_sites) * 1000:.0f} ms per site), {queries} queries")
    one = all_sites[0]
    _seconds, before = measure(lambda: RecomputeIndicatorsAction(one).execute())
    fill(one, pages, document.pk, total)
    seconds, after = measure(lambda: RecomputeIndicatorsAction(one).execute())
    print("recompute, one site")
    print(f"  queries       {before} with {pages} items, {after} with {2 * pages}; time {seconds:.2f} s")
    user = get_user_model().objects.create_superuser("bench", "bench@example.gov.cn", "Bench-pass-2026")
    visible_sites(user)  # the user's permissions, cached on it
    seconds, board = measure(lambda: board_rows(visible_sites(user)))
    print(f"board read      {board} queries, {seconds * 1000:.0f} ms for {len(all_sites)} sites")
    return 0 if after <= before else 1


def run_link_checker(links: int, hosts: int, latency: float, concurrency: int, per_host: int) -> int:
    servers = [LinkServer(host=f"127.0.0.{n + 1}") for n in range(hosts)]
    try:
        urls = [servers[n % hosts].route(f"/page{n}", delay=latency) for n in range(links)]
        config = CheckerConfig(
            user_agent="GovSiteClusterLinkChecker/1.0 (+bench)",
            connect_timeout=5,
            read_timeout=10,
            concurrency=concurrency,
            per_host=per_host,
            host_delay=0,
            allow_loopback=True,
        )
        bound = min(concurrency, hosts * per_host) / latency if latency else float("inf")
        print(
            f"link checker    {links:,} addresses on {hosts} loopback hosts, {latency * 1000:.0f} ms per answer, "
            f"concurrency {concurrency}, {per_host} per host (bound {bound:,.0f} links/s)"
        )
        start = time.perf_counter()
        outcomes = dict(LinkChecker(config).check_all(urls))
        seconds = time.perf_counter() - start
        ok = sum(1 for outcome in outcomes.values() if outcome.status == "ok")
        print(f"  check_all     {links / seconds:,.0f} links/s ({seconds:.2f} s, {ok:,} ok)")
        print(f"  most at once on one host: {max(server.max_active for server in servers)}")
        for server in servers:
            server.requests.clear()
            server.max_active = 0
        site = Site.objects.select_related("root_page").order_by("pk").first()
        column = ColumnPage.objects.descendant_of(site.root_page).filter(column_type=ColumnType.NEWS).first()
        now = timezone.now()
        rows = [
            {
                "title": f"外链信息{n}",
                "slug": f"link{n}",
                "publication_date": now - timedelta(minutes=n),
                "body": f'<p>详见<a href="{url}">相关网站</a>。</p>',
            }
            for n, url in enumerate(urls)
        ]
        insert_articles(column, rows, live=True)
        seconds, queries = measure(lambda: CheckExternalLinksAction(site, checker=LinkChecker(config)).execute())
        print(f"  whole run     {links / seconds:,.0f} links/s ({seconds:.2f} s, {queries} queries)")
    finally:
        for server in servers:
            server.stop()
    return 0 if ok == links else 1


def run(args) -> int:
    harness.print_machine()
    parts = set(args.parts.split(","))
    status = 0
    if "recompute" in parts:
        status |= run_recompute(args.sites, args.pages)
    else:
        harness.grow_cluster(1)
    if "linkcheck" in parts:
        status |= run_link_checker(
            args.links, args.link_hosts, args.link_latency, args.link_concurrency, args.link_per_host
        )
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--pages", type=int, default=1000, help="published items per site")
    parser.add_argument("--parts", default="recompute,linkcheck", help="recompute, linkcheck or both")
    parser.add_argument("--links", type=int, default=2000, help="addresses the link checker checks")
    parser.add_argument("--link-hosts", type=int, default=10, help="loopback hosts serving them")
    parser.add_argument("--link-latency", type=float, default=0.02, help="seconds each answer takes")
    parser.add_argument("--link-concurrency", type=int, default=16)
    parser.add_argument("--link-per-host", type=int, default=2)
    args = parser.parse_args()
    return harness.run_in_throwaway_database(lambda: run(args), "monbench")


if __name__ == "__main__":
    sys.exit(main())
