"""每月通报 in a real browser on the demo cluster: the info center picks a period, reads the
ranking and the charts, downloads the PDF and the XLSX; axe clean.

The screenshot goes to /tmp/monthly-report.png (not committed) for a person to look at."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cms.monitoring.actions import RecomputeIndicatorsAction
from tests.browser.conftest import DEMO_PASSWORD, log_in
from tests.browser.test_accessibility import axe, violations  # noqa: F401  (the axe fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_info_center_reads_the_monthly_report_and_downloads_it(live_server, page, demo, axe):  # noqa: F811
    RecomputeIndicatorsAction().execute()  # today's snapshot of every demo site
    base = f"http://localhost:{demo}"
    log_in(page, base, "admin", DEMO_PASSWORD)
    page.goto(f"{base}/admin/")
    page.get_by_role("button", name="网站监管").click()
    with page.expect_navigation():
        page.get_by_role("link", name="每月通报").click()
    this_month = f"{timezone.localdate():%Y-%m}"
    assert page.locator("#report-period").input_value() == this_month
    ranking = page.locator("table.report-ranking")
    text = ranking.inner_text()
    assert "宣州区人民政府" in text and "水阳镇人民政府" in text
    assert page.locator("table.report-ranking svg[role=img]").count() == ranking.locator("tbody tr").count()
    assert page.locator("figure.veto-chart svg rect.bar").count() == 12
    indicators = page.locator("table.report-indicators")
    # The demo's faults (cms/monitoring/demo.py): 水阳镇 amber on 首页更新, 卫健委's broken external link.
    township = indicators.locator("tr", has_text="水阳镇人民政府").inner_text().split("\t")
    department = indicators.locator("tr", has_text="宣州区卫生健康委员会").inner_text().split("\t")
    rules = indicators.locator("thead tr").inner_text().split("\t")
    assert township[rules.index("首页更新")].startswith("预警")
    assert department[rules.index("外部链接")].startswith("扣分")
    page.set_viewport_size({"width": 1280, "height": 3200})  # the admin scrolls inside its main area
    page.screenshot(path="/tmp/monthly-report.png", full_page=True)
    assert violations(page, axe) == []
    # Printed, the page is the report alone: no menu, no selector.
    page.emulate_media(media="print")
    assert page.locator("#wagtail-sidebar").is_hidden() and page.locator("form.report-controls").is_hidden()
    assert page.locator("table.report-ranking").is_visible()
    page.screenshot(path="/tmp/monthly-report-print.png", full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The quarter: graded (等次), chosen from the selector.
    quarter = f"{timezone.localdate().year}-Q{(timezone.localdate().month - 1) // 3 + 1}"
    page.select_option("#report-period", quarter)
    with page.expect_navigation():
        page.get_by_role("button", name="查看").click()
    assert "季度考评" in page.locator("#report-title").inner_text()
    assert "等次" in ranking.inner_text()
    assert violations(page, axe) == []

    for name, content_type, magic in (
        ("下载 PDF", "application/pdf", b"%PDF-"),
        ("导出 Excel", "spreadsheetml", b"PK"),
    ):
        href = page.get_by_role("link", name=name).get_attribute("href")
        response = page.request.get(f"{base}/admin/monitoring/report/{href}")
        assert response.ok and content_type in response.headers["content-type"]
        assert response.body().startswith(magic)
