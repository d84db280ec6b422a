"""Benchmark: 互动交流 letters (issue 16).

Prints:

- **submission**: letters/s through the whole middleware stack (Django's test client
  against the mailbox's 写信 route: CSRF, the proof-of-work challenge verified, rate limits,
  the word-list check, encryption, the receipt redirect). The challenges are solved
  beforehand (the citizen's browser does that work). Goal ≥ 50 letters/s.
- **submission under gunicorn**: the same letters sent over HTTP by ``CITIZENS`` concurrent
  citizens (threads, each its own session, address and phone) to gunicorn with the
  production settings (2 workers × 8 threads, as bench/pages.py): the server's throughput,
  which the single-threaded figure above only bounds from below. Goal ≥ 50 letters/s.
- **dashboard**: queries and time of the info center's counts (``overdue_summary``) and
  its 60-day list (``veto_guard_letters``) with 100,000 letters across 200 units, and the
  same at 20,000 letters (the query count must not change). Goal ≤ 100 ms.
- **public list**: the mailbox's public replies page (anonymous, the page cache retired
  before each request) with 100,000 letters in the table. Goal ≤ 15 queries, ≤ 100 ms.
- **statistics**: ``monthly_statistics`` of the site holding half of those letters, this year
  (no goal of the issue; the public 统计 page and its XLSX are made from it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/interaction.py
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import harness
import processes

harness.setup("interaction")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from cms.letters.mailboxes import interaction_column  # noqa: E402
from cms.letters.models import Letter, LetterKind, LetterState, MailboxPage  # noqa: E402
from cms.letters.public_selectors import monthly_statistics  # noqa: E402
from cms.letters.selectors import Today, overdue_summary, veto_guard_letters  # noqa: E402
from core.cache import Scope, invalidate  # noqa: E402
from core.personal_data import encrypt  # noqa: E402
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType  # noqa: E402
from sites.services import SubsiteRequest, provision_subsite  # noqa: E402
from tests.core.public_form_helpers import solve_challenge_payload  # noqa: E402

SUBMISSIONS = 300
CITIZENS = 8
UNITS = 200
LETTERS = 100_000
RUNS = 15


def median_ms(call) -> tuple[int, float]:
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return queries, statistics.median(times)


def bench_submission(mailbox: MailboxPage, host: str) -> tuple[float, int]:
    from core.public_forms import create_challenge

    payloads = [solve_challenge_payload(create_challenge()) for _ in range(SUBMISSIONS)]
    client = Client(enforce_csrf_checks=True)
    url = mailbox.url_path[len(mailbox.get_site().root_page.url_path) - 1 :] + "write/"
    client.get(url, HTTP_HOST=host)  # the CSRF cookie, as the citizen's first visit sets it
    token = client.cookies["csrftoken"].value
    run = int(time.time()) % 100  # a new set of phones each run: the rate limits' counters outlive a run
    start = time.perf_counter()
    queries = 0
    for n, payload in enumerate(payloads):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                url,
                {**letter_form(n, run, payload), "csrfmiddlewaretoken": token},
                HTTP_HOST=host,
                REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",  # one citizen each
            )
        assert response.status_code == 302, (response.status_code, response.content[:2000])
        queries = len(captured)
    seconds = time.perf_counter() - start
    assert Letter.objects.count() >= SUBMISSIONS
    return SUBMISSIONS / seconds, queries


def letter_form(n: int, run: int, payload: str) -> dict[str, str]:
    return {
        "kind": LetterKind.CONSULT,
        "subject": f"关于义务教育招生划片的咨询{n}",
        "content": "我家住在水阳镇，孩子今年上小学，请问应到哪所学校报名？" * 3,
        "name": "张三",
        "phone": f"13{run:02d}{n:07d}",
        "email": "",
        "wants_public": "1",
        "consented": "on",
        "altcha": payload,
        "website": "",
    }


def bench_submission_over_http(mailbox: MailboxPage, host: str) -> float:
    """letters/s sent by CITIZENS threads to gunicorn (production settings) over loopback."""
    import requests
    from django.conf import settings

    from core.public_forms import create_challenge

    payloads = [solve_challenge_payload(create_challenge()) for _ in range(SUBMISSIONS)]
    url_path = mailbox.url_path[len(mailbox.get_site().root_page.url_path) - 1 :] + "write/"
    port = processes.free_port()
    # The challenges are signed with this process's key; the app behind one proxy sees each
    # citizen's own address (X-Forwarded-For), as behind the cluster's front proxy.
    env = {"SECRET_KEY": settings.SECRET_KEY, "LOGIN_TRUSTED_PROXIES": "1", "SECURE_COOKIES": "0"}
    app = processes.start_gunicorn(port, workers=2, threads=8, extra_env=env)
    run = (int(time.time()) + 50) % 100  # phones of their own: not those of the serial run
    try:

        def citizen(numbers: range) -> int:
            session = requests.Session()
            base = f"http://127.0.0.1:{port}{url_path}"
            session.get(base, headers={"Host": host}, timeout=30)  # the CSRF cookie, as a first visit sets it
            token = session.cookies["csrftoken"]
            sent = 0
            for n in numbers:
                response = session.post(
                    base,
                    data={**letter_form(n, run, payloads[n]), "csrfmiddlewaretoken": token},
                    headers={"Host": host, "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"},
                    allow_redirects=False,
                    timeout=30,
                )
                if response.status_code != 302:
                    texts = re.findall(r"<(?:li|p)(?: class=\"error\" role=\"alert\")?>([^<]+)</", response.text)
                    errors = [" ".join(t.split()) for t in texts if "未能" in t or "请" in t][:6]
                    raise AssertionError(f"letter {n} answered {response.status_code}: {errors}")
                sent += 1
            return sent

        shares = [range(k, SUBMISSIONS, CITIZENS) for k in range(CITIZENS)]
        start = time.perf_counter()
        with ThreadPoolExecutor(CITIZENS) as pool:
            sent = sum(pool.map(citizen, shares))
        seconds = time.perf_counter() - start
    finally:
        processes.stop(app)
    return sent / seconds


def bulk_letters(mailbox: MailboxPage, units: list[Site], count: int) -> None:
    """``count`` letters spread over the units, 8% open, most public replies in ``mailbox``."""
    now = timezone.now()
    name, phone = encrypt("张三"), encrypt("13900000000")
    rows = []
    start = Letter.objects.count()
    for n in range(start, start + count):
        received = now - timedelta(days=n % 200, minutes=n % 997)
        open_letter = n % 12 == 0
        rows.append(
            Letter(
                number=f"9{n:013d}",
                mailbox=mailbox,
                site_id=mailbox.get_site().pk if n % 2 else units[n % UNITS].pk,
                unit=units[n % UNITS],
                kind=LetterKind.CONSULT if n % 3 else LetterKind.SUGGESTION,
                subject=f"基准来信{n}",
                content="基准来信内容。",
                name=name,
                phone=phone,
                wants_public=True,
                consented=True,
                query_code_digest=f"{n:064x}",
                phone_tail_digest="x",
                state=LetterState.IN_PROGRESS if open_letter else LetterState.REPLIED,
                received_at=received,
                due_date=(received + timedelta(days=3)).date(),
                replied_at=None if open_letter else received + timedelta(days=2),
                closed_at=None if open_letter else received + timedelta(days=2),
                replying_unit=None if open_letter else units[n % UNITS],
                is_public=not open_letter,
            )
        )
    # Raw rows: the model's save would encrypt each value again (the bench's point is the reading).
    Letter.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE letters_letter") if connection.vendor == "postgresql" else None


def run() -> int:
    harness.print_machine()
    portal_org = Organisation.objects.create(
        name="基准区人民政府", kind=OrganisationKind.PORTAL, index_code="800000000"
    )
    portal = provision_subsite(
        SubsiteRequest(
            hostname="bench.localhost",
            site_name="基准区人民政府",
            site_type=SiteType.PORTAL,
            organisation=portal_org,
            site_id_code="3418020001",
            status=SiteStatus.OPEN,
        )
    )
    dept_org = Organisation.objects.create(name="基准教育局", kind=OrganisationKind.DEPARTMENT, index_code="800000001")
    dept = provision_subsite(
        SubsiteRequest(
            hostname="jyj.bench.localhost",
            site_name="基准教育局",
            site_type=SiteType.DEPARTMENT,
            organisation=dept_org,
            site_id_code="3418020002",
            status=SiteStatus.OPEN,
        )
    )
    mailbox = Page.objects.child_of(interaction_column(dept)).type(MailboxPage).get().specific
    home = Page.objects.get(pk=portal.root_page_id)
    units = [dept] + [
        Site.objects.create(hostname=f"u{n}.bench.localhost", site_name=f"基准单位{n}", root_page=home)
        for n in range(1, UNITS)
    ]

    rate, per_letter = harness.timed("submission", lambda: bench_submission(mailbox, dept.hostname))
    print(
        f"submission      {SUBMISSIONS} letters through the full stack: {rate:.0f} letters/s "
        f"({per_letter} queries per letter; one thread, the test client)"
    )
    if connection.vendor == "postgresql":
        served = harness.timed("submission over http", lambda: bench_submission_over_http(mailbox, dept.hostname))
        print(
            f"submission      {SUBMISSIONS} letters by {CITIZENS} concurrent citizens to gunicorn 2×8: "
            f"{served:.0f} letters/s (goal ≥ 50 letters/s: {'yes' if served >= 50 else 'NO'})"
        )

    failures = 0
    figures = {}
    for total in (20_000, LETTERS):
        harness.timed(
            f"{total} letters", lambda total=total: bulk_letters(mailbox, units, total - Letter.objects.count())
        )
        now = Today.now()
        figures[total] = (
            median_ms(lambda now=now: overdue_summary(None, now)),
            median_ms(lambda now=now: veto_guard_letters(50, now)),
        )
    for total, ((q1, t1), (q2, t2)) in figures.items():
        print(
            f"dashboard       {total:>7} letters, {UNITS} units: overdue_summary {q1} q {t1:.1f} ms; "
            f"veto_guard_letters {q2} q {t2:.1f} ms (goal ≤ 100 ms)"
        )
        failures += t1 > 100 or t2 > 100
    if figures[20_000][0][0] != figures[LETTERS][0][0] or figures[20_000][1][0] != figures[LETTERS][1][0]:
        print("FAIL: the dashboard's query count grows with the letters")
        failures += 1

    client = Client()
    path = mailbox.url_path[len(dept.root_page.url_path) - 1 :]

    def list_page():
        invalidate(Scope.PAGES)
        response = client.get(path, HTTP_HOST=dept.hostname)
        assert response.status_code == 200

    queries, ms = median_ms(list_page)
    public = Letter.objects.filter(mailbox=mailbox, is_public=True).count()
    print(
        f"public list     {Letter.objects.count()} letters ({public} public in the mailbox): "
        f"{queries} q, {ms:.1f} ms (goal ≤ 15 q, ≤ 100 ms)"
    )
    failures += queries > 15 or ms > 100

    year = timezone.localdate().year
    queries, ms = median_ms(lambda: monthly_statistics(dept, year))
    print(f"statistics      monthly_statistics of {dept.site_name}, {year}: {queries} q, {ms:.1f} ms")
    failures += rate < 50
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "interaction"))
