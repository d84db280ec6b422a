"""访问统计 in Chromium: a public page sends the one beacon after load and the count rises; the
admin statistics page shows the chart, in Chinese only (screenshot: /tmp/visits.png)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.visits.aggregation import aggregate
from cms.visits.counting import forget_salt
from cms.visits.models import Scope, VisitDay
from sites.groups import site_group
from sites.models import SiteType
from tests.conftest import column_of, publish_article

from .conftest import log_in
from .test_admin_chinese import VISIBLE_STRINGS, english_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Browser-pass-2026"
SCREENSHOT = "/tmp/visits.png"


def is_beacon(response) -> bool:
    return "/api/views/" in response.url and response.request.method == "POST"


def test_pages_send_the_beacon_and_the_statistics_page_shows_it(live_server, page, make_site):
    forget_salt()
    port = int(live_server.url.rsplit(":", 1)[1])
    site = make_site("localhost", SiteType.DEPARTMENT, name="宣州区教育局", port=port)
    article = publish_article(column_of(site, "tzgg"), "关于做好秋季学期开学工作的通知", slug="kx")
    base = f"http://localhost:{port}"

    with page.expect_response(is_beacon) as sent:
        page.goto(f"{base}/tzgg/kx/")
    assert sent.value.status == 200 and sent.value.url.endswith(f"/api/views/{article.pk}/")
    count = page.locator(".view-count-number")
    count.wait_for()
    assert count.text_content() == "1"
    for path in ("/", "/tzgg/"):  # the home page and a column send it too
        with page.expect_response(is_beacon) as sent:
            page.goto(f"{base}{path}")
        assert sent.value.status == 200
    with page.expect_response(is_beacon):
        page.goto(f"{base}/tzgg/kx/")
    page.locator(".view-count-number", has_text="2").wait_for()

    aggregate()
    day = timezone.localdate()
    site_row = VisitDay.objects.get(date=day, scope=Scope.SITE, site=site)
    assert (site_row.views, site_row.visitors) == (4, 1)  # one reader, four loads
    assert VisitDay.objects.get(date=day, scope=Scope.PAGE, page_id=article.pk).views == 2

    admin = get_user_model().objects.create_user("jyj_stats", "jyj_stats@example.gov.cn", PASSWORD)
    admin.groups.add(site_group(site, "site_admin"))
    log_in(page, base, "jyj_stats", PASSWORD)
    page.goto(f"{base}/admin/visits/")
    page.wait_for_url(f"{base}/admin/visits/{site.pk}/")
    chart = page.locator("figure.visits-chart svg")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 400 and box["height"] > 100
    today_bar = page.locator("figure.visits-chart rect.bar").last.bounding_box()
    assert today_bar["height"] > 50  # today's 4 views on an axis to 4 or 5: most of the plot
    assert page.get_by_role("cell", name="关于做好秋季学期开学工作的通知").is_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert english_lines(page.evaluate(VISIBLE_STRINGS), allowed=set()) == []
