"""A letter handled in a real browser: the unit's editor opens it from the dashboard, accepts it,
writes and submits the reply; the reviewer approves it public; the mailbox's public list shows it.

Screenshots of each step go to /tmp/letters-admin-shots/ (not committed) for a person to look at."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from cms.letters.models import Letter, LetterState
from tests.browser.test_review_workflow import education_site, log_in, user
from tests.letters.conftest import mailbox_of, write_letter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/letters-admin-shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_editor_replies_the_reviewer_approves_and_the_reply_is_public(live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    site = education_site(port)
    user(site, "editor", "jyj_ed")
    user(site, "reviewer", "jyj_rv")
    # Ten days old: past its 2 working days, so the dashboard lists it as overdue.
    letter, _ = write_letter(
        site,
        subject="孩子入学报名需要哪些材料",
        received_at=timezone.now() - timedelta(days=10),
    )
    base = f"http://jyj.localhost:{port}"

    # The editor sees it on the dashboard, in red and in words, and opens it.
    log_in(page, base, "jyj_ed")
    panel = page.locator("#letters-unit-section, section:has-text('来信办理')").first
    assert "孩子入学报名需要哪些材料" in panel.inner_text() and "已超期" in panel.inner_text()
    shot(page, "01-editor-dashboard")
    page.click("text=孩子入学报名需要哪些材料")
    page.wait_for_url(f"{base}/admin/letters/{letter.pk}/")
    assert "张三" in page.content() and "13912345678" in page.content()  # the unit sees who wrote
    shot(page, "02-letter-pending")

    with page.expect_navigation():
        page.click("#action-accept button[type=submit]")
    assert "已受理" in page.locator(".messages").inner_text()
    page.fill("#reply", "您好！请携带户口簿、房产证明和儿童预防接种证到学区学校报名。")
    with page.expect_navigation():
        page.click("#action-reply button[value=submit_reply]")
    assert "已提交审核" in page.locator(".messages").inner_text()
    assert Letter.objects.get(pk=letter.pk).state == LetterState.IN_REVIEW
    shot(page, "03-reply-submitted")

    # The reviewer finds it in the list and approves it, public (the citizen agreed).
    log_in(page, base, "jyj_rv")
    page.goto(f"{base}/admin/letters/?state=in_review")
    shot(page, "04-reviewer-list")
    page.click("text=孩子入学报名需要哪些材料")
    assert page.is_checked("#action-approve input[name=make_public]")
    shot(page, "05-reviewer-approve")
    with page.expect_navigation():
        page.click("#action-approve button[type=submit]")
    assert "已审核通过并答复" in page.locator(".messages").inner_text()
    letter.refresh_from_db()
    assert letter.state == LetterState.REPLIED and letter.is_public
    shot(page, "06-replied")

    # The mailbox's public list (cms.letters.public, built alongside) shows the answered letter.
    if importlib.util.find_spec("cms.letters.public") is None:
        pytest.skip("cms.letters.public (the public mailbox pages) is not on this branch yet")
    page.context.clear_cookies()
    mailbox_url = mailbox_of(site).get_url()
    response = page.goto(mailbox_url if mailbox_url.startswith("http") else f"{base}{mailbox_url}")
    assert response.status == 200
    assert "孩子入学报名需要哪些材料" in page.content() and "13912345678" not in page.content()
    shot(page, "07-public-list")
