"""A citizen opens the portal and a subsite by hostname and reads an article."""

from __future__ import annotations

import pytest
from django.core.management import call_command

# The live server runs in another thread, so data must be committed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def url(live_server, hostname: str, path: str = "/") -> str:
    return f"http://{hostname}:{port_of(live_server)}{path}"


def port_of(live_server) -> str:
    return live_server.url.rsplit(":", 1)[1]


def test_portal_and_subsite_by_hostname_then_follow_a_link_to_an_article(live_server, page, demo):

    page.goto(url(live_server, "localhost"))
    assert page.title() == "宣州区人民政府"
    assert page.locator('meta[name="SiteIDCode"]').get_attribute("content") == "3418020001"

    page.goto(url(live_server, "shuiyang.localhost"))
    assert page.locator(".site-name").inner_text() == "水阳镇人民政府"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作动态").click()
    page.wait_for_url("**/gzdt/")
    assert page.locator("h1").inner_text() == "工作动态"

    first_item = page.locator(".item-list li a").first
    title = first_item.inner_text()
    first_item.click()
    page.wait_for_load_state()
    assert page.locator("article h1").inner_text() == title
    assert page.locator('meta[name="ArticleTitle"]').get_attribute("content") == title
    assert "来源：" in page.locator(".article-meta").inner_text()
    assert "shuiyang.localhost" in page.url


def test_closed_subsite_shows_its_notice_in_the_browser(live_server, page, demo):
    call_command("close_subsite", "liqiao.localhost", "--notice", "狸桥镇网站已整合至区政府门户网站。")

    response = page.goto(url(live_server, "liqiao.localhost", "/gzdt/"))
    assert response.status == 410
    assert "狸桥镇网站已整合至区政府门户网站。" in page.content()
    page.get_by_role("link", name="访问宣州区人民政府").click()
    page.wait_for_load_state()
    assert page.title() == "宣州区人民政府"
