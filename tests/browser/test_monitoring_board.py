"""The 检查指标 board in a real browser on the demo cluster: every site, statuses in words, axe clean.

The screenshot goes to /tmp/board.png (not committed) for a person to look at."""

from __future__ import annotations

import pytest

from cms.monitoring.actions import RecomputeIndicatorsAction
from tests.browser.conftest import DEMO_PASSWORD, log_in
from tests.browser.test_accessibility import axe, violations  # noqa: F401  (the axe fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_info_center_reads_the_board_and_opens_a_cause(live_server, page, demo, axe):  # noqa: F811
    RecomputeIndicatorsAction().execute()
    base = f"http://localhost:{demo}"
    log_in(page, base, "admin", DEMO_PASSWORD)
    page.goto(f"{base}/admin/monitoring/")
    table = page.locator("table.indicator-board")
    text = table.inner_text()
    assert "宣州区人民政府" in text and "水阳镇人民政府" in text
    assert "首页更新" in text and "空白栏目" in text and "暂无数据" in text
    page.screenshot(path="/tmp/board.png", full_page=True)
    assert violations(page, axe) == []
    links = table.locator("a:has-text('查看原因')")
    if links.count():
        with page.expect_navigation():
            links.first.click()
        assert "返回检查指标" in page.content()
        assert violations(page, axe) == []
