"""A citizen browses the 政府信息公开目录 in a real browser: narrows it by topic and
year, removes a filter, sorts by 索引号, opens an item; a department's catalogue
lists only that department's items."""

from __future__ import annotations

import re

import pytest

# The live server runs in another thread, so data must be committed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NATIONAL_FORM = re.compile(r"^\d{9}/\d{4}-\d{5}$")  # 000014349/2017-00110 (DESIGN §3)
CATALOGUE = "/zfxxgk/xxgkml/"
DEPARTMENT_CATALOGUE = "/xxgk/xxgkml/"


def port_of(live_server) -> str:
    return live_server.url.rsplit(":", 1)[1]


def url(live_server, hostname: str, path: str) -> str:
    return f"http://{hostname}:{port_of(live_server)}{path}"


def total(page) -> int:
    """The count the page states above the list: “…，共 N 条…”."""
    return int(re.search(r"共 (\d+) 条", page.locator(".catalogue-scope").inner_text()).group(1))


def list_table(page):
    return page.locator("table.catalogue-table")


def column_values(page, index: int) -> list[str]:
    """The text of one column (0 = 索引号 … 5 = 发布日期) in every listed row."""
    rows = list_table(page).locator("tbody tr")
    return [row.get_by_role("cell").nth(index).inner_text().strip() for row in rows.all()]


def index_numbers(page) -> list[str]:
    return [text.strip() for text in list_table(page).locator("tbody td.index-number").all_inner_texts()]


def active_filters(page) -> list[str]:
    filters = page.get_by_role("list", name="已选条件")
    if not filters.count():
        return []
    return [text.strip() for text in filters.get_by_role("listitem").all_inner_texts()]


def test_citizen_narrows_the_catalogue_sorts_it_and_opens_an_item(live_server, page, demo):

    page.goto(url(live_server, "localhost", CATALOGUE))
    assert page.locator("h1").inner_text() == "政府信息公开目录"
    everything = total(page)
    listed = index_numbers(page)
    assert listed, "the catalogue lists no items"
    assert all(NATIONAL_FORM.match(value) for value in listed), listed
    assert active_filters(page) == []

    # 按主题分类 → 综合政务
    tree = page.get_by_role("navigation", name="目录导航")
    tree.get_by_role("link", name="综合政务", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]topic=\d+"))
    by_topic = total(page)
    assert 0 < by_topic < everything
    assert tree.get_by_role("link", name="综合政务", exact=True).get_attribute("aria-current") == "true"
    assert any("主题：综合政务" in text for text in active_filters(page))

    # 按年份 → 2016年, within the topic
    tree.get_by_role("link", name="2016年", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]year=2016"))
    by_topic_and_year = total(page)
    assert 0 < by_topic_and_year < by_topic
    assert len(index_numbers(page)) == by_topic_and_year
    assert all(published.startswith("2016-") for published in column_values(page, 5))
    shown = active_filters(page)
    assert any("主题：综合政务" in text for text in shown)
    assert any("年份：2016年" in text for text in shown)

    # Each active filter can be removed on its own.
    page.get_by_role("link", name="取消年份：2016年").click()
    page.wait_for_url(lambda address: "year=" not in address)
    assert total(page) == by_topic
    assert not any("年份" in text for text in active_filters(page))
    assert any("主题：综合政务" in text for text in active_filters(page))

    # Sort by 索引号: the first click sorts descending, the second ascending.
    header = list_table(page).get_by_role("columnheader", name="索引号")
    header.get_by_role("link", name="索引号").click()
    page.wait_for_url(re.compile(r"[?&]sort=index"))
    assert header.get_attribute("aria-sort") == "descending"
    descending = index_numbers(page)
    assert len(descending) > 1
    assert descending == sorted(descending, reverse=True)
    header.get_by_role("link", name="索引号").click()
    page.wait_for_url(re.compile(r"[?&]order=asc"))
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = index_numbers(page)
    assert ascending == sorted(ascending)
    assert ascending == descending[::-1]
    assert total(page) == by_topic  # sorting keeps the topic filter

    # Open the first item: its metadata table, above the body, shows the same 索引号.
    first_row = list_table(page).locator("tbody tr").first
    title = first_row.get_by_role("link").first.inner_text()
    first_row.get_by_role("link", name=title, exact=True).click()
    page.wait_for_load_state()
    assert page.locator("article h1").inner_text() == title
    metadata = page.get_by_role("table", name="政府信息公开目录信息")
    index_cell = metadata.locator("th", has_text="索引号").locator("xpath=following-sibling::td[1]")
    assert index_cell.inner_text().strip() == ascending[0]
    title_cell = metadata.locator("th", has_text=re.compile(r"^标\s*题$")).locator("xpath=following-sibling::td[1]")
    assert title_cell.inner_text().strip() == title
    assert metadata.bounding_box()["y"] < page.locator(".article-body").bounding_box()["y"]


def test_department_catalogue_lists_only_its_own_items(live_server, page, demo):

    page.goto(url(live_server, "localhost", CATALOGUE))
    everything = total(page)

    page.goto(url(live_server, "jyj.localhost", DEPARTMENT_CATALOGUE))
    assert page.locator("h1").inner_text() == "政府信息公开目录"
    assert "宣城市宣州区教育局的政府信息公开目录" in page.locator(".catalogue-scope").inner_text()
    own = total(page)
    assert 0 < own < everything
    assert set(column_values(page, 3)) == {"宣城市宣州区教育局"}
    listed = index_numbers(page)
    assert len(listed) == own
    assert all(value.startswith("003195501/") for value in listed), listed  # the bureau's organisation code
    # A department's catalogue has no 按发布机构 branch: there is only one.
    tree = page.get_by_role("navigation", name="目录导航")
    assert tree.get_by_role("heading", name="按发布机构").count() == 0
