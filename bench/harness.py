"""What every benchmark shares: Django set-up, machine facts, a throwaway database.

Import it before anything from Django::

    import harness

    harness.setup("provision")
"""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO_ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def setup(name: str) -> None:
    """Configure and start Django for the benchmark ``name`` (test settings)."""
    sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    # Only used when REDIS_URL is set: keep the benchmark's cache entries apart
    # from those of any running instance.
    os.environ["CACHE_KEY_PREFIX"] = f"bench-{name}"
    import django

    django.setup()


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0]
            values = []
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "synchronous_commit"):
                cursor.execute(f"SHOW {name}")
                values.append(f"{name}={cursor.fetchone()[0]}")
            return f"{version}; {', '.join(values)}"
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return "version not looked up"


def memory() -> str:
    try:
        return f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        return "unknown"


def print_machine() -> None:
    import django
    import wagtail
    from django.conf import settings
    from django.db import connection

    print("machine")
    print(f"  python      {platform.python_version()} ({platform.python_implementation()})")
    print(f"  django      {django.get_version()}   wagtail {wagtail.__version__}")
    print(f"  database    {connection.vendor}: {database_version()}")
    print(f"  cache       {settings.CACHES['default']['BACKEND']}")
    print(f"  cpus        {os.cpu_count()}   memory {memory()}")
    print(f"  platform    {platform.platform()}")
    print()


def timed(step: str, action: Callable[[], T]) -> T:
    """Run ``action``, printing how long it took to stderr (progress, not a figure)."""
    start = time.perf_counter()
    result = action()
    print(f"  ({step}: {time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return result


def run_in_throwaway_database(run: Callable[[], int], name: str) -> int:
    """Run the benchmark in a test database created for it and dropped afterwards.

    On PostgreSQL it is ``test_<database>_<name>``: never the real database, nor
    pytest's ``test_<database>``, nor another benchmark's. ``BENCH_KEEP_DB=1``
    keeps it afterwards, for looking at query plans.
    """
    from django.db import connection, connections
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    settings_dict = connection.settings_dict
    if connection.vendor != "sqlite" and not settings_dict["TEST"].get("NAME"):
        settings_dict["TEST"]["NAME"] = f"test_{settings_dict['NAME']}_{name}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return run()
    finally:
        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB"):
            print(f"kept database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()


def grow_cluster(to: int) -> int:
    """Add department sites (hostnames bench<n>.localhost) until the cluster has ``to``; how many it has."""
    from wagtail.models import Site

    from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType
    from sites.services import SubsiteRequest, provision_subsite

    start = Site.objects.count()
    for n in range(start, to):
        organisation = Organisation.objects.create(
            name=f"压测部门{n}", kind=OrganisationKind.DEPARTMENT, index_code=f"8{n:08d}"
        )
        provision_subsite(
            SubsiteRequest(
                hostname=f"bench{n}.localhost",
                site_name=f"压测部门{n}",
                site_type=SiteType.DEPARTMENT,
                organisation=organisation,
                site_id_code=f"34180{n:05d}",
                status=SiteStatus.OPEN,
            )
        )
    return Site.objects.count()


def load_demo() -> None:
    """The demo cluster (``load_demo``), as the README's first command builds it, timed."""
    import io

    from django.core.management import call_command

    timed(
        "load the demo cluster",
        lambda: call_command("load_demo", "--password", "Bench-2026", verbosity=0, stdout=io.StringIO()),
    )
