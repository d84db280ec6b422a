"""A citizen searches from the header box, narrows by a facet, and opens a policy by its number."""

from __future__ import annotations

import pytest

from .test_accessibility import axe, violations  # noqa: F401  (axe is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_from_the_header_box_then_narrow_by_a_facet(page, demo):
    page.goto(f"http://localhost:{demo}/")
    box = page.get_by_role("search").get_by_label("全站群搜索")  # the portal searches the cluster
    box.fill("电子政务")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    summary = page.locator(".search-summary").inner_text()
    assert "共找到" in summary and "（全站群）" in summary
    assert page.locator(".search-hits li").count() == 10
    assert page.locator(".search-hits mark").first.inner_text() == "电子政务"

    facets = page.get_by_role("navigation", name="筛选")
    facets.get_by_role("link", name="宣州区数据资源管理局").first.click()
    page.wait_for_load_state()
    metas = page.locator(".hit-meta").all_inner_texts()
    assert metas and all("宣州区数据资源管理局" in meta for meta in metas)
    chip = page.get_by_role("list", name="已选条件")
    assert "网站：宣州区数据资源管理局" in chip.inner_text()

    chip.get_by_role("link", name="取消网站：宣州区数据资源管理局").click()
    page.wait_for_load_state()
    assert page.locator(".search-summary").inner_text() == summary


def test_a_document_number_typed_with_square_brackets_opens_the_policy(page, demo):
    page.goto(f"http://localhost:{demo}/zfxxgk/xxgkml/")
    form = page.get_by_role("search", name="目录检索")
    form.get_by_label("发文字号").fill("国发[2018]27号")
    form.get_by_role("button", name="检索").click()
    page.wait_for_load_state()
    assert page.locator("article h1").inner_text() == "国务院关于加快推进全国一体化在线政务服务平台建设的指导意见"
    # The article's 浏览次数 beacon writes to the database: let it finish before the flush.
    page.wait_for_load_state("networkidle")


def test_the_results_page_passes_axe_and_fits_a_phone(browser, demo, axe):  # noqa: F811
    # bypass_csp: axe-core is injected as inline script, which the site's CSP refuses (see conftest).
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, bypass_csp=True)
    phone = context.new_page()
    phone.goto(f"http://shuiyang.localhost:{demo}/search/?q=政务&scope=all")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert violations(phone, axe) == []
    context.close()
