"""Benchmark: provisioning a subsite, and SQL queries to render its pages.

Issue "foundation", item 9. Prints:

- the time and SQL queries to provision one site (home page, full column tree,
  groups, collection) through ``sites.services.provision_subsite``;
- the SQL queries and time to render a home page and a column page, with 7
  sites and again with 50 sites. The query counts must not grow with the
  number of sites: the script exits with status 1 if they differ.

Runs against whatever database ``DATABASE_URL`` names (SQLite by default), in a
throwaway test database that is created first and destroyed at the end::

    .venv/bin/python bench/provision.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/provision.py
"""

from __future__ import annotations

import difflib
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import harness

harness.setup("provision")

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Site  # noqa: E402

from cms.content.blueprints import BLUEPRINTS  # noqa: E402
from cms.content.models import ArticlePage, ColumnPage  # noqa: E402
from core.cache import Scope, invalidate  # noqa: E402
from core.publishing import review_waived  # noqa: E402
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType  # noqa: E402
from sites.services import SubsiteRequest, provision_subsite  # noqa: E402

FIRST_SITE_COUNT = 7
SECOND_SITE_COUNT = 50
TIMED_RUNS = 5
ARTICLES_PER_COLUMN = 5
PROVISIONING_GOAL_SECONDS = 1.0
DOMAIN = "bench.localhost"


@dataclass
class Provisioned:
    site_type: str
    seconds: float
    queries: int


@dataclass
class Rendered:
    label: str
    queries: int
    milliseconds: float
    sql: list[str] = field(repr=False)


@dataclass
class Cluster:
    """The sites provisioned so far, in order; the first is the portal."""

    sites: list[Site] = field(default_factory=list)
    provisioned: list[Provisioned] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sites)


def site_plan() -> Iterator[tuple[str, str, str, str]]:
    """(site type, hostname, site name, organisation name): the portal, then townships and departments in turn."""
    yield SiteType.PORTAL, f"www.{DOMAIN}", "基准区人民政府", "基准区人民政府"
    n = 0
    while True:
        n += 1
        yield SiteType.TOWNSHIP, f"xz{n}.{DOMAIN}", f"基准第{n}镇人民政府", f"基准第{n}镇人民政府"
        yield SiteType.DEPARTMENT, f"bm{n}.{DOMAIN}", f"基准区第{n}局", f"基准区第{n}局"


def provision_until(cluster: Cluster, plan: Iterator[tuple[str, str, str, str]], count: int) -> None:
    """Provision sites from the plan until the cluster has ``count`` sites, timing each call."""
    while len(cluster) < count:
        site_type, hostname, site_name, organisation_name = next(plan)
        serial = len(cluster) + 1
        organisation = Organisation.objects.create(
            name=organisation_name,
            kind=OrganisationKind(str(site_type)),
            index_code=f"B{serial:08d}",
        )
        request = SubsiteRequest(
            hostname=hostname,
            site_name=site_name,
            site_type=site_type,
            organisation=organisation,
            site_id_code=f"341802{serial:04d}",
            status=SiteStatus.OPEN,
        )
        reset_queries()  # the query log keeps 9000 entries; past that a capture reads 0
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            site = provision_subsite(request)
            seconds = time.perf_counter() - start
        cluster.sites.append(site)
        cluster.provisioned.append(Provisioned(str(site_type), seconds, len(queries)))


def column_of(site: Site, slug_path: str) -> ColumnPage:
    return ColumnPage.objects.get(url_path=f"{site.root_page.url_path}{slug_path}/")


def publish_articles(column: ColumnPage, count: int) -> None:
    for n in range(1, count + 1):
        page = ArticlePage(
            title=f"{column.title}基准信息{n}",
            slug=f"bench-{n}",
            body=f"<p>{column.title}基准信息{n}的正文。</p>",
            publication_date=timezone.now() - timedelta(days=n),
            live=False,
        )
        column.add_child(instance=page)
        with review_waived("基准数据"):
            page.save_revision().publish()


def render(client: Client, label: str, hostname: str, path: str) -> Rendered:
    """Warm up once, count the queries of one request, then time TIMED_RUNS requests."""

    def get() -> None:
        invalidate(Scope.PAGES)  # rendered, not served from the anonymous page cache (bench/pages.py times that)
        response = client.get(path, HTTP_HOST=hostname)
        if response.status_code != 200:
            raise AssertionError(f"{label}: GET http://{hostname}{path} answered {response.status_code}, not 200")

    get()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        get()
    # Read now: the next request's request_started signal empties the query log.
    sql = [query["sql"] for query in queries.captured_queries]
    timings = []
    for _ in range(TIMED_RUNS):
        start = time.perf_counter()
        get()
        timings.append(time.perf_counter() - start)
    return Rendered(label, len(sql), statistics.median(timings) * 1000, sql)


def render_all(cluster: Cluster) -> list[Rendered]:
    portal, township = cluster.sites[0], cluster.sites[1]
    client = Client()
    pages = [
        ("home page (portal)", portal, "/"),
        ("home page (township)", township, "/"),
        ("column page (portal tzgg)", portal, "/tzgg/"),
        ("column page (township gzdt)", township, "/gzdt/"),
    ]
    return [render(client, label, site.hostname, path) for label, site, path in pages]


def span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


def seconds_summary(samples: list[Provisioned]) -> str:
    seconds = [s.seconds for s in samples]
    return (
        f"median {statistics.median(seconds):.3f} s, min {min(seconds):.3f} s, max {max(seconds):.3f} s; "
        f"{span([s.queries for s in samples])} queries"
    )


def print_provisioning(cluster: Cluster) -> None:
    print("provisioning (sites.services.provision_subsite, one call per site, in its own transaction)")
    for site_type, blueprint in BLUEPRINTS.items():
        samples = [p for p in cluster.provisioned if p.site_type == site_type]
        label = f"{SiteType(site_type).name.lower()} ({blueprint.page_count()} pages)"
        print(f"  {label:<24} n={len(samples):<3} {seconds_summary(samples)}")
    first, rest = cluster.provisioned[:FIRST_SITE_COUNT], cluster.provisioned[FIRST_SITE_COUNT:]
    print(f"  {'sites 1–' + str(FIRST_SITE_COUNT):<24} n={len(first):<3} {seconds_summary(first)}")
    if rest:
        label = f"sites {FIRST_SITE_COUNT + 1}–{len(cluster.provisioned)}"
        print(f"  {label:<24} n={len(rest):<3} {seconds_summary(rest)}")
    growth = []
    for site_type in (SiteType.TOWNSHIP, SiteType.DEPARTMENT):
        samples = [p for p in cluster.provisioned if p.site_type == site_type]
        growth.append(f"{site_type.name.lower()} {samples[0].queries} (1st) → {samples[-1].queries} ({len(samples)}th)")
    print(f"  queries per provisioning as the cluster grows: {'; '.join(growth)}")
    worst = max(p.seconds for p in cluster.provisioned)
    verdict = "met" if worst <= PROVISIONING_GOAL_SECONDS else "NOT met"
    print(f"  goal ≤ {PROVISIONING_GOAL_SECONDS:.0f} s per site: {verdict} (slowest {worst:.3f} s)")
    print()


def print_rendering(before: list[Rendered], after: list[Rendered], first: int, second: int) -> bool:
    """Print the rendering table; True if every page needs as many queries at ``second`` sites as at ``first``."""
    print(f"rendering (django.test.Client, median of {TIMED_RUNS} requests after one warm-up)")
    width = max(len(r.label) for r in before)
    for a, b in zip(before, after, strict=True):
        print(
            f"  {a.label:<{width}}  {first} sites → {a.queries:>3} queries ({a.milliseconds:6.1f} ms)"
            f" | {second} sites → {b.queries:>3} queries ({b.milliseconds:6.1f} ms)"
        )
    differing = [(a, b) for a, b in zip(before, after, strict=True) if a.queries != b.queries]
    if not differing:
        print(f"  query counts independent of the number of sites: yes (same at {first} and {second} sites)")
        print()
        return True
    print(f"  query counts independent of the number of sites: NO ({len(differing)} page(s) differ)")
    for a, b in differing:
        print(f"\n  {a.label}: {a.queries} queries at {first} sites, {b.queries} at {second} sites")
        diff = difflib.unified_diff(a.sql, b.sql, f"{first} sites", f"{second} sites", lineterm="", n=0)
        for line in diff:
            print(f"    {line}")
    print()
    return False


def run() -> int:
    harness.print_machine()
    cluster = Cluster()
    plan = site_plan()

    harness.timed(f"provision {FIRST_SITE_COUNT} sites", lambda: provision_until(cluster, plan, FIRST_SITE_COUNT))
    portal, township = cluster.sites[0], cluster.sites[1]
    for column in (column_of(portal, "tzgg"), column_of(township, "gzdt")):
        publish_articles(column, ARTICLES_PER_COLUMN)
    before = render_all(cluster)

    harness.timed(
        f"provision up to {SECOND_SITE_COUNT} sites", lambda: provision_until(cluster, plan, SECOND_SITE_COUNT)
    )
    after = render_all(cluster)

    print_provisioning(cluster)
    independent = print_rendering(before, after, FIRST_SITE_COUNT, SECOND_SITE_COUNT)
    return 0 if independent else 1


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "bench"))
