"""A citizen finds the 政府信息公开 pages from the column itself, and gets back to the portal
from any subsite."""

from __future__ import annotations

import pytest

from demo.loader import DEMO_OFFICE_HOURS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STANDING = [
    "政府信息公开指南",
    "政府信息公开制度",
    "法定主动公开内容",
    "政府信息公开目录",
    "政府信息公开年报",
    "依申请公开",
]


def url(demo: str, hostname: str, path: str = "/") -> str:
    return f"http://{hostname}:{demo}{path}"


def test_the_disclosure_column_leads_to_each_standing_page(page, demo):
    for hostname, column in (("localhost", "政府信息公开"), ("jyj.localhost", "信息公开")):
        page.goto(url(demo, hostname))
        page.get_by_role("navigation", name="主导航").get_by_role("link", name=column, exact=True).click()
        page.wait_for_load_state()
        assert "本栏目暂无信息" not in page.content()
        sections = page.locator(".landing-sections li")
        assert sections.locator("a").all_inner_texts() == STANDING, hostname
        assert "主动公开的范围和方式" in sections.first.inner_text()

    sections.get_by_role("link", name="政府信息公开指南").click()
    page.wait_for_load_state()
    guide = page.locator(".article-body").inner_text()
    assert "本页内容正在编制中" not in page.content()
    parts = ("一、主动公开", "二、依申请公开", "三、收费", "四、监督和救济", DEMO_OFFICE_HOURS, "宣城市宣州区教育局")
    for part in parts:
        assert part in guide
    page.locator(".article-body").get_by_role("link", name="政府信息公开目录").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "政府信息公开目录"
    assert page.locator(".catalogue-table").is_visible()


def test_every_subsite_header_leads_back_to_the_portal(page, demo):
    # A township (its own theme) and a department (the base theme).
    for hostname, link_text in (("shuiyang.localhost", "宣州区人民政府网站群"), ("jyj.localhost", "宣州区人民政府")):
        page.goto(url(demo, hostname, "/tzgg/"))
        link = page.locator("header").get_by_role("link", name=link_text, exact=True)
        assert link.is_visible(), hostname
        link.click()
        page.wait_for_load_state()
        assert page.title() == "宣州区人民政府"
        assert page.locator("header .portal-link").count() == 0  # the portal does not link itself

    page.goto(url(demo, "shuiyang.localhost"))
    cluster = page.locator(".cluster-nav")
    cluster.get_by_role("link", name="宣州区人民政府", exact=True).click()
    page.wait_for_load_state()
    assert page.title() == "宣州区人民政府"
