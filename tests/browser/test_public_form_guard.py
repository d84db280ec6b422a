"""The public forms' widget in a real Chromium, its Content-Security-Policy enforced: it solves the
challenge with crypto.subtle, fills the hidden input, says so in Chinese, and a submission made
before it is done waits for it; the server accepts what it sent."""

from __future__ import annotations

import base64
import json

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.core.public_form_urls"),
]

STATUS = "[data-public-form-guard-status]"


@pytest.fixture
def strict_page(browser):
    """A page that obeys the site's CSP (the shared ``page`` fixture bypasses it) and records
    every console error, uncaught exception and CSP violation."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.problems = []

    def console(message) -> None:
        # The test page and its plain "已收到" answer name no icon: Chromium's /favicon.ico 404 is not ours.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            page.problems.append(f"{message.text} {message.location}")

    page.on("console", console)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def test_the_widget_solves_the_challenge_under_csp_and_the_server_accepts_it(live_server, strict_page):
    page = strict_page
    response = page.goto(f"{live_server.url}/test-public-form/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(f"{STATUS}:has-text('安全验证已完成，可以提交。')")
    assert page.get_attribute("[data-public-form-guard]", "data-state") == "done"

    payload = json.loads(base64.b64decode(page.input_value("input[name=altcha]")))
    assert set(payload) == {"algorithm", "challenge", "number", "salt", "signature"}
    assert payload["algorithm"] == "SHA-256" and 0 <= payload["number"] <= 1000
    assert page.get_attribute(STATUS, "aria-live") == "polite"
    # The honeypot is off-screen (the include's stylesheet loaded under the CSP).
    assert page.evaluate("document.querySelector('input[name=website]').getBoundingClientRect().right") < 0

    page.fill("input[name=title]", "道路破损")
    page.fill("textarea[name=body]", "人民路人行道破损，请尽快修复。")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.content().count("已收到：道路破损") == 1
    assert page.problems == []


def test_a_submission_before_the_check_is_done_waits_for_it(live_server, strict_page):
    page = strict_page
    held = []
    # The challenge request is held back until released.
    page.route("**/public-forms/challenge/", lambda route: held.append(route))
    page.goto(f"{live_server.url}/test-public-form/")
    while not held:
        page.wait_for_timeout(50)
    assert page.text_content(STATUS) == "正在进行安全验证…"

    page.fill("input[name=title]", "道路破损")
    page.fill("textarea[name=body]", "人民路人行道破损，请尽快修复。")
    page.click("button[type=submit]")
    page.wait_for_timeout(300)
    assert page.url.endswith("/test-public-form/") and "已收到" not in page.content()
    assert page.input_value("input[name=title]") == "道路破损"

    with page.expect_navigation():
        held[0].continue_()
    assert "已收到：道路破损" in page.content()
    assert page.problems == []


def test_a_failed_challenge_request_says_so_in_chinese(live_server, strict_page):
    page = strict_page
    page.route("**/public-forms/challenge/", lambda route: route.fulfill(status=503, body="{}"))
    page.goto(f"{live_server.url}/test-public-form/")
    page.wait_for_selector(f"{STATUS}:has-text('安全验证失败，请刷新页面重试。')")
    assert page.input_value("input[name=altcha]") == ""
    # the refused request itself is the only error the console shows
    assert all("503" in problem for problem in page.problems)
