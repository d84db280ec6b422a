"""政府信息公开年报 in a real browser on the demo cluster: the form refuses an unbalanced table 4
naming the row, the preview shows the tables, generation opens the draft in the page editor; axe clean.

Screenshots go to /tmp/annual-report-*.png (not committed) for a person to look at."""

from __future__ import annotations

import pytest

from cms.disclosure.models import AnnualReportPage
from sites.models import SiteProfile, SiteType
from tests.browser.conftest import DEMO_PASSWORD, log_in
from tests.browser.test_accessibility import axe, violations  # noqa: F401  (the axe fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2025


def test_an_organisation_fills_in_previews_and_generates_its_report(live_server, page, demo, axe):  # noqa: F811
    profile = SiteProfile.objects.filter(site_type=SiteType.DEPARTMENT).select_related("organisation").first()
    organisation = profile.organisation
    base = f"http://localhost:{demo}"
    log_in(page, base, "admin", DEMO_PASSWORD)

    page.goto(f"{base}/admin/disclosure/annual-reports/?year={YEAR}")
    assert organisation.name in page.locator("table.listing").inner_text()
    assert violations(page, axe) == []

    page.goto(f"{base}/admin/disclosure/annual-reports/{organisation.pk}/{YEAR}/edit/")
    page.fill("textarea[name=overview]", "本机关认真贯彻落实《条例》。")
    page.fill("input[name=review_upheld]", "2")
    page.fill("input[name=review_total]", "1")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('保存')")
    assert "表四“行政复议”：总计（1）应等于结果维持、结果纠正、其他结果、尚未审结之和（2）。" in page.content()
    page.screenshot(path="/tmp/annual-report-form.png", full_page=True)
    assert violations(page, axe) == []

    page.fill("input[name=review_total]", "2")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('保存')")
    assert "年报数据已保存" in page.content() and "勾稽关系检查通过" in page.content()
    page.reload()  # axe on the page itself, not on the fading-in message of the save
    preview = page.locator(".annual-report-preview").inner_text()
    assert "第二十条第（一）项" in preview and "四、政府信息公开行政复议、行政诉讼情况" in preview
    page.screenshot(path="/tmp/annual-report-preview.png", full_page=True)
    assert violations(page, axe) == []

    with page.expect_navigation():
        page.click("button:has-text('生成年报草稿')")
    report = AnnualReportPage.objects.get(report_year=YEAR, issuing_organisation=organisation)
    assert page.url.endswith(f"/admin/pages/{report.pk}/edit/")
    assert "已生成" in page.content() and not report.live
    # The body read-only, as tables, not as HTML source.
    body = page.locator(".w-field__textoutput .annual-report-preview")
    assert body.locator("table").count() == 3 and "<table" not in body.inner_text()
    body.locator("h2:has-text('四、政府信息公开行政复议、行政诉讼情况')").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/annual-report-editor.png")
