"""The 政府网站工作年度报表 form in a real browser on the demo cluster: computed rows read-only,
entered rows fillable, a save with a bad value answered in Chinese, axe clean.

The screenshots go to /tmp/site_report.png and /tmp/site_report_table.png (not committed) for a person to look at."""

from __future__ import annotations

import pytest
from wagtail.models import Site

from sites.models import SiteType
from tests.browser.conftest import DEMO_PASSWORD, log_in
from tests.browser.test_accessibility import axe, violations  # noqa: F401  (the axe fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_site_report_is_filled_in_the_browser(live_server, page, demo, axe):  # noqa: F811
    department = Site.objects.filter(profile__site_type=SiteType.DEPARTMENT).order_by("pk").first()
    base = f"http://localhost:{demo}"
    log_in(page, base, "admin", DEMO_PASSWORD)
    page.goto(f"{base}/admin/site-reports/")
    assert department.site_name in page.inner_text("table.listing")
    page.goto(f"{base}/admin/site-reports/{department.pk}/2025/")
    table = page.locator("table.site-report-form")
    assert "系统计算：访问统计" in table.inner_text() and "（只读）" in table.inner_text()
    assert violations(page, axe) == []
    page.fill("input[name=security_issues]", "2")
    page.fill("input[name=security_fixed]", "3")
    with page.expect_navigation():
        page.click("text=保存填报内容")
    assert "问题整改数量不能大于发现问题数量。" in page.content()
    page.screenshot(path="/tmp/site_report.png")
    page.locator("input[name=security_fixed]").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/site_report_table.png")  # the entered rows, around the refused one
    assert violations(page, axe) == []
