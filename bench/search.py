"""Benchmark: Chinese full-text search of the cluster (search/).

Issue "search". ``bench/search.py --items N`` builds N live items from the real
real government texts (demo/articles.json: titles and paragraphs
recombined, half of them catalogue items with full metadata) spread over a
portal and four subsites, then prints:

- **indexing**: documents per second of ``search.services.rebuild_index`` — the
  real path: loading pages, building documents (attachments, index numbers,
  column paths), Chinese analysis, and the backend's writes. Goal ≥ 500/s.
- **queries**: p50 / p95 / max latency of ``search.services.run_search`` for a
  fixed set of 50 queries (one to three words, phrases, a traditional-character
  query, site scope, facet filters, date sort, deep pages), each with its facet
  counts, after one warm-up pass. Goal at 200,000 items: p95 ≤ 50 ms.
- **search page**: median time and SQL queries of the whole /search/ page for a
  few of those queries (the page cache is bypassed).

Runs against whatever database ``DATABASE_URL`` names (SQLite by default), in a
throwaway test database created first and destroyed at the end::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/search.py --items 200000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import harness

harness.setup("search")

from bulk_pages import insert_articles  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cms.content.models import ColumnPage  # noqa: E402
from cms.disclosure.metadata import DisclosureTerm, Genre  # noqa: E402
from cms.disclosure.models import Topic  # noqa: E402
from search import services  # noqa: E402
from search.analysis import parse_query  # noqa: E402
from search.backends.base import SearchQuery  # noqa: E402
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType  # noqa: E402
from sites.services import SubsiteRequest, provision_subsite  # noqa: E402

TZ = ZoneInfo(settings.TIME_ZONE)
ARTICLES = json.loads((harness.REPO_ROOT / "demo/articles.json").read_text(encoding="utf-8"))["articles"]
SITES = [
    ("www.searchbench.localhost", SiteType.PORTAL, "基准区人民政府", "zcwj"),
    ("shuiyang.searchbench.localhost", SiteType.TOWNSHIP, "基准区水阳镇人民政府", "gzdt"),
    ("liqiao.searchbench.localhost", SiteType.TOWNSHIP, "基准区狸桥镇人民政府", "tzgg"),
    ("jyj.searchbench.localhost", SiteType.DEPARTMENT, "基准区教育局", "zcwj"),
    ("sjj.searchbench.localhost", SiteType.DEPARTMENT, "基准区数据资源管理局", "gzdt"),
]
# (query, extra SearchQuery fields): 50 in all, as readers type them.
WORDS = [
    "电子政务", "政务公开", "政务服务", "网站建设", "信息公开", "一网通办", "互联网+政务服务", "平台建设",
    "行政审批", "网上办事", "政府网站", "信息资源", "数据共享", "安全保障", "组织领导", "实施方案",
    "工作职责", "公开目录", "便民服务", "考核评估",
]  # fmt: skip
QUERIES: list[tuple[str, dict]] = (
    [(word, {}) for word in WORDS]
    + [(f"{a} {b}", {}) for a, b in zip(WORDS[::2], WORDS[1::2], strict=True)]
    + [
        ("“电子政务平台”", {}),
        ("“政务公开”", {"sort": "date"}),
        ("網站建管", {}),
        ("加強政府網站建設管理", {}),
        ("政务 公开 目录", {}),
        ("电子政务", {"filters": {"year": 2020}}),
        ("政务服务", {"filters": {"genre": "通知"}, "catalogue_only": True}),
        ("信息公开", {"sort": "date"}),
        ("网站", {"offset": 500}),
        ("平台", {"date_from": date(2019, 1, 1), "date_to": date(2020, 12, 31)}),
        ("政务", {"site": 1}),
        ("服务", {"site": 3}),
        ("政务公开", {"site": 2, "filters": {"validity": "effective"}}),
        ("建设", {"filters": {"content_type": "policy"}}),
        ("基准办", {}),
        ("不存在的词语组合量子", {}),
        ("管理", {"site": 4, "sort": "date"}),
        ("工作", {}),
        ("方案", {"offset": 90}),
        ("政府", {"catalogue_only": True}),
    ]
)
assert len(QUERIES) == 50, len(QUERIES)
PAGE_QUERIES = ["电子政务", "政务公开 网站建设", "“电子政务平台”", "網站建管"]


def provision_cluster() -> list[tuple]:
    portal_org = Organisation.objects.create(
        name="基准区人民政府", kind=OrganisationKind.PORTAL, index_code="S00000000"
    )
    sites = []
    for n, (hostname, site_type, name, column) in enumerate(SITES):
        organisation = (
            portal_org
            if site_type == SiteType.PORTAL
            else Organisation.objects.create(name=name, kind=site_type, index_code=f"S{n:08d}", parent=portal_org)
        )
        site = provision_subsite(
            SubsiteRequest(
                hostname=hostname,
                site_name=name,
                site_type=site_type,
                organisation=organisation,
                site_id_code=f"34180200{n:02d}",
                status=SiteStatus.OPEN,
            )
        )
        sites.append((site, organisation, ColumnPage.objects.get(url_path=f"{site.root_page.url_path}{column}/")))
    return sites


# Every sentence of the corpus texts: items are random mixes of them, so words
# have the uneven frequencies of a real cluster rather than 45 repeated texts.
SENTENCES = [
    sentence.strip()
    for article in ARTICLES
    for paragraph in article["paragraphs"]
    for sentence in re.split(r"[。；！？]", paragraph)
    if 8 <= len(sentence.strip()) <= 300
]


def item_row(n: int, rng: random.Random, organisation: Organisation, topics: list[Topic]) -> dict:
    paragraphs = rng.sample(SENTENCES, 4)
    title = re.split(r"[，,：:]", rng.choice(SENTENCES))[0][:40]
    published = datetime(2016, 1, 1, tzinfo=TZ) + timedelta(seconds=rng.randrange(10 * 365 * 86400))
    row = {
        "title": f"{title}（{n}）",
        "slug": f"s{n}",
        "publication_date": published,
        "body": "".join(f"<p>{p}</p>" for p in paragraphs),
        "source": organisation.name,
    }
    if n % 2 == 0:  # half are catalogue items
        genre = Genre.values[n % len(Genre.values)]
        row.update(
            in_catalogue=True,
            issuing_organisation_id=organisation.pk,
            topic_id=topics[n % len(topics)].pk,
            genre=genre,
            document_number=f"基准办〔{published.year}〕{n}号",
            date_formed=published.date(),
            disclosure_term=DisclosureTerm.LONG_TERM,
            summary=paragraphs[0][:200],
        )
    return row


def build_items(sites: list[tuple], items: int) -> None:
    rng = random.Random(items)
    topics = list(Topic.objects.all())
    for index, (_site, organisation, column) in enumerate(sites):
        share = range(index, items, len(sites))
        rows = [item_row(n, rng, organisation, topics) for n in share]
        insert_articles(column, rows, live=True, batch_size=2_000)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_queries(site_ids: list[int]) -> list[tuple[str, float, int]]:
    timings = []
    for text, fields in QUERIES:
        fields = dict(fields)
        site = fields.pop("site", None)
        query = SearchQuery(
            parsed=parse_query(text),
            site_ids=(site_ids[site],) if site is not None else tuple(site_ids),
            **fields,
        )
        start = time.perf_counter()
        results = services.run_search(query).results
        timings.append((text, (time.perf_counter() - start) * 1000, results.total))
    return timings


def run(items: int) -> int:
    harness.print_machine()
    sites = harness.timed("provisioning", provision_cluster)
    harness.timed(f"inserting {items:,} items", lambda: build_items(sites, items))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = services.count_indexable()
    start = time.perf_counter()
    written = services.rebuild_index()
    seconds = time.perf_counter() - start
    # No VACUUM or ANALYZE here: queries run on the index as rebuild_index leaves it.
    print(
        f"search benchmark: {items:,} items ({total:,} indexable pages with columns), backend {settings.SEARCH_BACKEND}"
    )
    print(
        f"  indexing     {written:,} documents in {seconds:.1f} s = {written / seconds:,.0f} documents/s (goal ≥ 500)"
    )

    site_ids = [site.pk for site, _org, _column in sites]
    run_queries(site_ids)  # warm-up
    timings = run_queries(site_ids)
    latencies = [ms for _, ms, _ in timings]
    p95 = percentile(latencies, 0.95)
    print(
        f"  queries      50 with facets: p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms,"
        f" max {max(latencies):.1f} ms (goal p95 ≤ 50 ms)"
    )
    for label, low, high in (("≤ 1,000 hits", 0, 1_000), ("1,001–10,000", 1_001, 10_000), ("> 10,000", 10_001, None)):
        bucket = [ms for _, ms, n in timings if n >= low and (high is None or n <= high)]
        if bucket:
            print(
                f"  {label:<13}{len(bucket)} queries: p50 {statistics.median(bucket):.1f} ms,"
                f" p95 {percentile(bucket, 0.95):.1f} ms"
            )
    print(
        "  slowest      "
        + "; ".join(f"{t} {ms:.0f} ms ({n:,} hits)" for t, ms, n in sorted(timings, key=lambda x: -x[1])[:5])
    )

    client = Client()
    for text in PAGE_QUERIES:
        runs = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                # A session cookie bypasses the anonymous page cache: every request is rendered.
                client.cookies[settings.SESSION_COOKIE_NAME] = "bench"
                response = client.get("/search/", {"q": text, "scope": "all"}, HTTP_HOST=SITES[0][0])
                runs.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        print(f"  page         /search/?q={text}: median {statistics.median(runs):.1f} ms, {len(queries)} SQL queries")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000, help="live items to build (default 20,000)")
    args = parser.parse_args()
    return harness.run_in_throwaway_database(lambda: run(args.items), "search")


if __name__ == "__main__":
    raise SystemExit(main())
