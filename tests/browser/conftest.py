"""Real-browser fixtures: Debian's Chromium driven by Playwright for Python."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from tests.conftest import seed_fresh_install

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Playwright's sync API runs an event loop in this thread; the Django ORM calls
# made by the tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _seeded(seeded_transactional_db):
    """The live server needs committed data: every browser test is transactional."""
    yield
    _wait_for_the_live_server()


def _wait_for_the_live_server(seconds: float = 10) -> None:
    """Before the database is emptied: let the live server finish what a page sent as it closed
    (the visit beacon posts after load), or its query and the flush's TRUNCATE deadlock."""
    import time

    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state NOT IN ('idle')"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)


DEMO_PASSWORD = "Demo-pass-2026"


def log_in(page, base: str, username: str, password: str) -> None:
    """Sign in to the admin at ``base`` through its login form, as a person does (signed out first)."""
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


SNAPSHOT_SCHEMA = "browser_demo_snapshot"


def _demo_tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _restore_demo_snapshot() -> None:
    """Put the committed demo back as the snapshot holds it: every table emptied and refilled
    (foreign keys are checked at commit, so the order does not matter), sequences past the rows."""
    from django.apps import apps

    quote = connection.ops.quote_name
    tables = _demo_tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY CASCADE")
        for table in tables:
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {SNAPSHOT_SCHEMA}.{quote(table)}")
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(statement)
    # The snapshot's content types, not those a transactional test before made after its flush:
    # the live server shares this process's ContentType cache (a stale id breaks any page save).
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def _demo_snapshot(live_server, _shared_stack, django_db_blocker) -> Iterator[bool]:
    """Load the demo cluster once per worker and keep a copy of its rows (PostgreSQL), so each
    test that reads the demo gets it back in about a second instead of loading it again (30 s).
    Built on an empty database — the state pytest-django keeps between transactional tests —
    and left empty again. On SQLite each test loads the demo itself."""
    if connection.vendor != "postgresql":
        yield False
        return
    port = live_server.url.rsplit(":", 1)[1]
    with django_db_blocker.unblock():
        _shared_stack.cut(0)
        seed_fresh_install()
        call_command("load_demo", "--password", DEMO_PASSWORD, "--port", port, verbosity=0)
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE; CREATE SCHEMA {SNAPSHOT_SCHEMA}")
            for table in _demo_tables():
                cursor.execute(f"CREATE TABLE {SNAPSHOT_SCHEMA}.{quote(table)} AS TABLE {quote(table)}")
        call_command("flush", interactive=False, verbosity=0)
    yield True
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")


@pytest.fixture
def demo(live_server, _demo_snapshot, seeded_transactional_db) -> str:
    """The demo cluster (load_demo), committed for the live server; returns the server's port."""
    port = live_server.url.rsplit(":", 1)[1]
    if _demo_snapshot:
        _restore_demo_snapshot()
    else:
        call_command("load_demo", "--password", DEMO_PASSWORD, "--port", port, verbosity=0)
    return port


@pytest.fixture(scope="session")
def browser(_shared_stack, django_db_blocker):
    # Starting Playwright's sync API gives this thread a new context, and Django's
    # connection lives in a context-local: the shared test layers' savepoints must be
    # rolled back first, on the connection that opened them (browser tests, being
    # transactional, need none of them).
    with django_db_blocker.unblock():
        _shared_stack.cut(0)
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install it (apt-get install chromium).")
        pytest.skip(f"Chromium not found at {CHROMIUM}; install it with apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp: the tests inject tooling (axe-core) as inline script, which the
    # site's Content-Security-Policy refuses; the policy itself is tested in
    # tests/accounts/test_security.py, and test_xss.py shows escaping and the
    # sanitizer hold even without its help.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()
