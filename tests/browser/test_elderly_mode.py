"""长者模式 across the cluster: with ELDERLY_COOKIE_DOMAIN the reader's choice follows them
from one site to another (issue 15: it switched only the host it was chosen on)."""

from __future__ import annotations

import pytest

from sites.models import SiteType

from .conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_elderly_mode_follows_the_reader_across_the_cluster(live_server, browser, make_site, settings):
    """Two sites under one registrable domain, as a real cluster is (a browser refuses a
    cookie for ``.localhost``): a Chromium of its own resolves them to the live server."""
    port = int(live_server.url.rsplit(":", 1)[1])
    make_site("www.example.gov.cn", SiteType.PORTAL, name="宣州区人民政府", port=port)
    make_site("shuiyang.example.gov.cn", SiteType.TOWNSHIP, name="水阳镇人民政府", port=port)
    make_site("jyj.example.gov.cn", SiteType.DEPARTMENT, name="宣州区教育局", port=port)
    settings.ELDERLY_COOKIE_DOMAIN = ".example.gov.cn"
    elderly = "document.documentElement.classList.contains('elderly')"
    args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP *.example.gov.cn 127.0.0.1"]
    cluster_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    try:
        page = cluster_browser.new_page(locale="zh-CN")
        page.goto(f"http://shuiyang.example.gov.cn:{port}/")
        page.get_by_role("link", name="长者模式").click()
        page.wait_for_load_state()
        assert page.evaluate(elderly)

        page.goto(f"http://jyj.example.gov.cn:{port}/")
        assert page.evaluate(elderly), "another site of the cluster opens in 长者模式 too"
        page.get_by_role("link", name="退出长者模式").click()
        page.wait_for_load_state()
        page.goto(f"http://shuiyang.example.gov.cn:{port}/")
        assert not page.evaluate(elderly), "leaving it on one site leaves it everywhere"
    finally:
        cluster_browser.close()
