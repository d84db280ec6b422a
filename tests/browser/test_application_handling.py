"""An application handled in a real browser: the unit's editor registers it from the list and asks
for 补正; the applicant corrects it (the action, as the public page would); the editor drafts
部分公开, the suggested legal basis filled in by the form; the reviewer approves.

Screenshots of each step go to /tmp/apps-admin-shots/ (not committed) for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from cms.applications.actions import ReceiveCorrectionAction
from cms.applications.legal_basis import DEFAULT_LEGAL_BASIS
from cms.applications.models import Application, ApplicationState, Outcome
from tests.applications.conftest import apply
from tests.browser.test_review_workflow import education_site, log_in, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/apps-admin-shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_register_correct_draft_partly_disclosed_and_approve(live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    site = education_site(port)
    user(site, "editor", "jyj_ed")
    user(site, "reviewer", "jyj_rv")
    case, _ = apply(site, description="宣州区2025年义务教育阶段学校招生划片范围的文件")
    base = f"http://jyj.localhost:{port}"
    detail = f"{base}/admin/applications/{case.pk}/"

    log_in(page, base, "jyj_ed")
    page.goto(f"{base}/admin/applications/")
    assert "待登记" in page.content() and "招生划片" in page.content()
    shot(page, "01-list")
    page.click(f'table a[href="/admin/applications/{case.pk}/"]')
    page.wait_for_url(detail)
    assert "李四" in page.content()  # the unit sees the applicant
    shot(page, "02-submitted")
    with page.expect_navigation():
        page.click("#action-register button[type=submit]")
    assert "已登记受理" in page.locator(".messages").inner_text()
    assert "剩余" in page.content()  # the clock, in words

    page.fill("#correction-items", "请写明所需文件的文号或发布时间")
    with page.expect_navigation():
        page.click("#action-request_correction button[type=submit]")
    assert "等待申请人补正" in page.content()
    shot(page, "03-correction-requested")

    case = Application.objects.get(pk=case.pk)
    ReceiveCorrectionAction(case, None, text="2025年5月发布的招生工作通知", by_applicant=True).execute()

    page.reload()
    page.select_option("#outcome", Outcome.PARTLY_DISCLOSED)
    assert page.input_value("#legal-basis") == DEFAULT_LEGAL_BASIS[Outcome.PARTLY_DISCLOSED]
    page.fill("#answer", "经审查，所需文件中涉及学生个人信息的部分不予公开，其余部分现提供给您。")
    shot(page, "04-draft")
    with page.expect_navigation():
        page.click("#action-draft_answer button[type=submit]")
    assert Application.objects.get(pk=case.pk).state == ApplicationState.IN_REVIEW

    log_in(page, base, "jyj_rv")
    page.goto(detail)
    assert "部分公开" in page.content()
    shot(page, "05-review")
    with page.expect_navigation():
        page.click("#action-approve_answer button[type=submit]")
    assert "已审核通过并答复" in page.locator(".messages").inner_text()
    case = Application.objects.get(pk=case.pk)
    assert case.state == ApplicationState.ANSWERED and case.outcome == Outcome.PARTLY_DISCLOSED
    assert case.legal_basis == DEFAULT_LEGAL_BASIS[Outcome.PARTLY_DISCLOSED]
    shot(page, "06-answered")


def test_the_handler_opens_the_case_and_downloads_the_applicants_scan(live_server, page):
    """The 证件材料 listed on the case in Chinese, the link downloads the very bytes the applicant
    sent (as a download, not shown inline), and the download is in the case's history."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms.applications.actions import RegisterApplicationAction, SubmitApplicationAction
    from tests.applications.conftest import application_page_of, submission
    from tests.applications.test_attachments import png_bytes
    from tests.test_admin_chinese import english_words

    port = live_server.url.rsplit(":", 1)[1]
    site = education_site(port)
    editor = user(site, "editor", "jyj_ed")
    scan = png_bytes()
    case = SubmitApplicationAction(
        application_page_of(site),
        submission(),
        attachments=[SimpleUploadedFile("身份证正面.png", scan, content_type="image/png")],
    ).execute()
    case = RegisterApplicationAction(case, editor).execute()
    base = f"http://jyj.localhost:{port}"

    log_in(page, base, "jyj_ed")
    page.goto(f"{base}/admin/applications/{case.pk}/")
    link = page.get_by_role("link", name="身份证正面.png")
    item = page.locator(".app-attachments li").first.inner_text()
    assert item.startswith("身份证正面.png（PNG图片，") and "字节" in item
    page.locator("#applicant-heading").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/attachments-case.png", full_page=True)
    shown = page.locator("main").inner_text()
    assert english_words(shown.replace(case.number, "")) == []

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "身份证正面.png"
    assert Path(download.path()).read_bytes() == scan

    page.reload()
    assert "查阅附件" in page.locator("#history-heading + table").inner_text()
