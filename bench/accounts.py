"""Benchmark: the info center's 站群总览, dormant-accounts report and account list.

Issue 8 (accounts). Prints SQL queries and time for each report with 10 sites and
again with 100 sites, 1,000 unit accounts either way (a third of them dormant).
The query counts must not grow with the number of sites: the script exits with
status 1 if they differ.

Runs in a throwaway test database on whatever ``DATABASE_URL`` names::

    .venv/bin/python bench/accounts.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/acct .venv/bin/python bench/accounts.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import timedelta

import harness

harness.setup("accounts")

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Site  # noqa: E402

from cms.accounts.lifecycle import AccountRequest, create_validated  # noqa: E402
from cms.accounts.reports import cluster_overview, dormant_accounts  # noqa: E402
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType  # noqa: E402
from sites.services import SubsiteRequest, provision_subsite  # noqa: E402

ACCOUNTS = 1000
SITE_COUNTS = (10, 100)
RUNS = 5


def provision(n: int) -> None:
    org = Organisation.objects.get_or_create(
        name="宣城市宣州区人民政府", defaults={"kind": OrganisationKind.PORTAL, "index_code": "003195501"}
    )[0]
    for i in range(Site.objects.count(), n):
        provision_subsite(
            SubsiteRequest(
                hostname=f"s{i}.bench.localhost",
                site_name=f"测试子站{i}",
                site_type=SiteType.DEPARTMENT if i else SiteType.PORTAL,
                organisation=org,
                site_id_code="3418020001",
                status=SiteStatus.OPEN,
            )
        )


def spread_accounts() -> None:
    """ACCOUNTS unit accounts spread over every site; every third has not logged in for 120 days."""
    User = get_user_model()
    User.objects.filter(is_superuser=False).delete()
    sites = list(Site.objects.order_by("pk"))
    roles = ["editor", "reviewer", "site_admin"]
    for n in range(ACCOUNTS):
        create_validated(
            AccountRequest(
                username=f"u{n:04d}",
                site=sites[n % len(sites)],
                role=roles[n % 3],
                responsible_name="责任人",
                responsible_phone="0563-3020000",
            ),
            None,
        )
    long_ago = timezone.now() - timedelta(days=120)
    User.objects.filter(pk__in=User.objects.filter(is_superuser=False).values("pk")[: ACCOUNTS // 3]).update(
        last_login=long_ago, date_joined=long_ago
    )


def measure(action) -> tuple[int, float]:
    # A wrapper, not CaptureQueriesContext: the test client's request_started resets the query log.
    action()  # warm-up: per-process caches (content types, admin menus) fill on the first request
    executed = []
    with connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args)):
        response = action()
    assert getattr(response, "status_code", 200) == 200, response
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return len(executed), statistics.median(times) * 1000


def run() -> int:
    harness.print_machine()
    admin = get_user_model().objects.create_superuser("bench", "b@example.gov.cn", "Bench-pass-2026")
    client = Client()
    client.force_login(admin)
    reports = {
        "站群总览 cluster_overview()": lambda: cluster_overview(),
        "长期未登录 dormant_accounts() + sites": lambda: [u.account.site for u in dormant_accounts()],
        "GET /admin/accounts/overview/": lambda: client.get("/admin/accounts/overview/"),
        "GET /admin/accounts/dormant/": lambda: client.get("/admin/accounts/dormant/"),
        "GET /admin/accounts/ (1,000 rows)": lambda: client.get("/admin/accounts/"),
    }
    figures: dict[str, dict[int, tuple[int, float]]] = {name: {} for name in reports}
    for count in SITE_COUNTS:
        harness.timed(f"provision {count} sites", lambda count=count: provision(count))
        harness.timed(f"{ACCOUNTS} accounts", spread_accounts)
        dormant = dormant_accounts().count()
        print(f"{count} sites, {ACCOUNTS} accounts ({dormant} dormant), {Group.objects.count()} groups")
        for name, action in reports.items():
            figures[name][count] = measure(action)
    print()
    print(f"{'report':<40} " + "  ".join(f"{c:>4} sites: queries  median ms" for c in SITE_COUNTS))
    stable = True
    for name, by_count in figures.items():
        cells = "  ".join(f"{by_count[c][0]:>18}  {by_count[c][1]:>9.1f}" for c in SITE_COUNTS)
        print(f"{name:<40} {cells}")
        stable &= len({q for q, _ in by_count.values()}) == 1
    print()
    print("query counts constant in the number of sites:", "yes" if stable else "NO")
    return 0 if stable else 1


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "accounts"))
