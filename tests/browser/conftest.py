"""Real-browser fixtures: Debian's Chromium driven by Playwright for Python."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Playwright's sync API runs an event loop in this thread; the Django ORM calls
# made by the tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _seeded(seeded_transactional_db):
    """The live server needs committed data: every browser test is transactional."""


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
