"""A citizen opens the portal and a subsite by hostname and reads an article; a subsite not open is staff-only."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sites.models import SiteProfile, SiteStatus

from .conftest import DEMO_PASSWORD

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


def test_a_preparing_subsite_is_shown_to_its_staff_after_they_log_in(live_server, page, demo):
    profile = SiteProfile.objects.get(site__hostname="liqiao.localhost")
    profile.status = SiteStatus.PREPARING  # as a site the info center has not opened yet
    profile.save()

    response = page.goto(url(live_server, "liqiao.localhost", "/gzdt/"))
    assert response.status == 404
    assert page.locator("h1").inner_text() == "狸桥镇人民政府网站筹建中"
    page.get_by_role("link", name="本站工作人员登录后可预览").click()
    page.fill("input[name=username]", "liqiao_editor")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/gzdt/")
    assert page.locator("h1").inner_text() == "工作动态"
    assert "liqiao.localhost" in page.url
