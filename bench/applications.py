"""Benchmark: 依申请公开 (issue 17).

Prints, with 50,000 cases across 200 organisations (and again at 10,000, to show the
query counts do not grow): the overseer's dashboard (``unit_summary`` and the overdue list)
and table 3 of the annual report for the whole cluster and for one unit — queries and
median time, goal ≤ 100 ms each; then the time to render a 告知书 as DOCX (goal ≤ 200 ms)
and as PDF.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/applications.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta

import harness

harness.setup("applications")

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from cms.applications.models import (  # noqa: E402
    ApplicantType,
    Application,
    ApplicationState,
    DeliveryForm,
    DeliveryMeans,
    IdDocumentType,
    Outcome,
)
from cms.applications.report import table3  # noqa: E402
from cms.applications.selectors import Today, overdue_applications, unit_summary  # noqa: E402
from cms.notices.context import sample_context  # noqa: E402
from cms.notices.kinds import NoticeKind  # noqa: E402
from cms.notices.rendering import render_docx, render_pdf  # noqa: E402
from core.personal_data import encrypt  # noqa: E402
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType  # noqa: E402
from sites.services import SubsiteRequest, provision_subsite  # noqa: E402

UNITS = 200
CASES = 50_000
RUNS = 15
TYPES = ApplicantType.values
OUTCOMES = [o for o in Outcome.values]


def median_ms(call, runs: int = RUNS) -> tuple[int, float]:
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return queries, statistics.median(times)


def bulk_cases(site: Site, units: list[Site], count: int) -> None:
    """Cases received over three years; 6% still open (some overdue), the rest concluded."""
    secret = encrypt("李四")
    today = timezone.localdate()
    start = Application.objects.count()
    rows = []
    for n in range(start, start + count):
        received = today - timedelta(days=n % 1000)
        open_case = n % 16 == 0
        rows.append(
            Application(
                number=f"基准依申〔{received.year}〕{n}号",
                site=site,
                unit=units[n % UNITS],
                applicant_type=TYPES[n % len(TYPES)],
                name=secret,
                id_type=IdDocumentType.RESIDENT_ID,
                id_number=secret,
                phone=secret,
                description="基准申请：某文件",
                delivery_form=DeliveryForm.ELECTRONIC,
                delivery_means=DeliveryMeans.EMAIL,
                consented=True,
                query_code_digest=f"{n:064x}",
                id_tail_digest="x",
                state=ApplicationState.REGISTERED if open_case else ApplicationState.DELIVERED,
                received_on=received,
                due_date=received + timedelta(days=28),
                outcome="" if open_case else OUTCOMES[n % len(OUTCOMES)],
                concluded_on=None if open_case else received + timedelta(days=15),
            )
        )
    Application.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE applications_application")


def run() -> int:
    harness.print_machine()
    org = Organisation.objects.create(name="基准区人民政府", kind=OrganisationKind.PORTAL, index_code="800000000")
    portal = provision_subsite(
        SubsiteRequest(
            hostname="bench.localhost",
            site_name="基准区人民政府",
            site_type=SiteType.PORTAL,
            organisation=org,
            site_id_code="3418020001",
            status=SiteStatus.OPEN,
        )
    )
    home = Page.objects.get(pk=portal.root_page_id)
    units = [portal] + [
        Site.objects.create(hostname=f"u{n}.bench.localhost", site_name=f"基准机关{n}", root_page=home)
        for n in range(1, UNITS)
    ]
    failures = 0
    counts = {}
    year = date.today().year - 1
    for total in (10_000, CASES):
        missing = total - Application.objects.count()
        harness.timed(f"{total} cases", lambda missing=missing: bulk_cases(portal, units, missing))
        now = Today.now()
        figures = {
            "unit_summary (cluster)": median_ms(lambda now=now: unit_summary(None, now)),
            "overdue list (cluster, 10)": median_ms(lambda now=now: overdue_applications(None, 10, now)),
            f"table 3 {year} (cluster)": median_ms(lambda: table3(year)),
            f"table 3 {year} (one unit)": median_ms(lambda: table3(year, [units[7].pk])),
        }
        for name, (queries, ms) in figures.items():
            print(f"{total:>6} cases, {UNITS} organisations  {name:<28} {queries} q  {ms:6.1f} ms (goal ≤ 100 ms)")
            failures += total == CASES and ms > 100
        counts[total] = [queries for queries, _ in figures.values()]
        problems = table3(year).imbalances()
        print(f"  table 3 balance: {problems or 'ok'}")
    if counts[10_000] != counts[CASES]:
        print("FAIL: query counts grow with the cases")
        failures += 1

    context = sample_context()
    _, docx_ms = median_ms(lambda: render_docx(NoticeKind.ANSWER_PARTIAL, context), runs=20)
    _, pdf_ms = median_ms(lambda: render_pdf(NoticeKind.ANSWER_PARTIAL, context), runs=20)
    print(f"notice (部分公开告知书)  DOCX {docx_ms:.1f} ms (goal ≤ 200 ms)   PDF {pdf_ms:.1f} ms")
    failures += docx_ms > 200
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "applications"))
