"""Restricted pages (Wagtail view restrictions: password, login, groups, on the page or an
ancestor) are listed nowhere the public sees; the public ones around them stay listed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import PageViewRestriction

from cms.content.templatetags.navigation_tags import main_navigation
from core.publishing import review_waived

from ..conftest import column_of, publish_article

PUBLIC = "公开的工作动态"
PROTECTED = "加密的工作动态"
IN_RESTRICTED_COLUMN = "受限栏目里的通知"
SECRET_WORDS = (PROTECTED, IN_RESTRICTED_COLUMN)


def restrict(page, kind: str = PageViewRestriction.PASSWORD) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password="secret")


@pytest.fixture
def restricted(township):
    """In the township: a public and a password-protected item in 工作动态, and an item in
    通知公告, a column only logged-in users may see."""
    news, notices = column_of(township, "gzdt"), column_of(township, "tzgg")
    public = publish_article(news, PUBLIC)
    protected = publish_article(news, PROTECTED)
    restrict(protected)
    restrict(notices, PageViewRestriction.LOGIN)
    hidden = publish_article(notices, IN_RESTRICTED_COLUMN)
    return {"public": public, "protected": protected, "hidden": hidden, "notices": notices}


def page_text(client, site, path: str = "/") -> str:
    response = client.get(path, HTTP_HOST=site.hostname)
    assert response.status_code == 200
    return response.content.decode()


def assert_only_public(text: str) -> None:
    assert PUBLIC in text
    for secret in SECRET_WORDS:
        assert secret not in text


def rss_titles(client, site, path: str) -> list[str]:
    channel = ET.fromstring(client.get(path, HTTP_HOST=site.hostname).content).find("channel")
    return [item.findtext("title") for item in channel.findall("item")]


def test_a_column_lists_only_its_public_items(client, township, restricted):
    response = client.get("/gzdt/", HTTP_HOST=township.hostname)
    assert [item.title for item in response.context["items"]] == [PUBLIC]
    assert_only_public(response.content.decode())


def test_a_column_lists_only_its_public_subcolumns(client, portal):
    restrict(column_of(portal, "ywdt/bmdt"))
    response = client.get("/ywdt/", HTTP_HOST=portal.hostname)
    assert [column.title for column in response.context["subcolumns"]] == ["政务要闻", "乡镇动态"]


def test_home_page_blocks_leave_out_restricted_items_and_columns(client, township, restricted):
    response = client.get("/", HTTP_HOST=township.hostname)
    assert [column.title for column, _ in response.context["blocks"]] == ["工作动态"]
    assert_only_public(response.content.decode())


def test_a_restricted_column_chosen_as_a_home_block_is_not_shown(client, township, restricted):
    from cms.content.models import HomeBlock

    HomeBlock.objects.create(page=township.root_page.specific, column=restricted["notices"], sort_order=0)
    HomeBlock.objects.create(page=township.root_page.specific, column=column_of(township, "gzdt"), sort_order=1)
    response = client.get("/", HTTP_HOST=township.hostname)
    assert [column.title for column, _ in response.context["blocks"]] == ["工作动态"]
    assert_only_public(response.content.decode())


def test_menus_leave_out_restricted_columns(township, restricted):
    assert "通知公告" not in [page.title for page in main_navigation(township.root_page)]


def test_related_items_and_neighbours_of_an_article_are_public_ones(client, township, restricted):
    older = publish_article(column_of(township, "gzdt"), "另一条公开的工作动态")
    text = page_text(client, township, older.url_path.removeprefix(township.root_page.url_path[:-1]))
    assert PUBLIC in text
    assert PROTECTED not in text


def test_feeds_leave_out_restricted_items(client, township, restricted):
    assert rss_titles(client, township, "/rss.xml") == [PUBLIC]
    assert rss_titles(client, township, f"/feeds/column/{column_of(township, 'gzdt').pk}/") == [PUBLIC]


def test_sitemap_xml_leaves_out_restricted_pages(client, township, restricted):
    text = page_text(client, township, "/sitemap.xml")
    assert f"/gzdt/{restricted['public'].slug}/" in text
    for page in (restricted["protected"], restricted["hidden"], restricted["notices"]):
        assert page.url_path.removeprefix(township.root_page.url_path) not in text


def test_site_map_leaves_out_restricted_columns(client, township, restricted):
    response = client.get("/wzdt/", HTTP_HOST=township.hostname)
    titles = [page.title for page, _ in response.context["entries"]]
    assert "工作动态" in titles
    assert "通知公告" not in titles


def test_an_alias_of_a_restricted_item_is_restricted_and_not_listed(client, portal, township, restricted):
    # 一键推送 places aliases: the alias shows its source's content, so its source's restriction holds.
    with review_waived("测试数据"):  # seeded content: the review rule has its own tests
        restricted["protected"].create_alias(parent=column_of(portal, "ywdt/xzdt"))
    portal_news = column_of(portal, "ywdt/xzdt")
    response = client.get("/ywdt/xzdt/", HTTP_HOST=portal.hostname)
    assert list(response.context["items"]) == []
    assert PROTECTED not in rss_titles(client, portal, "/rss.xml")
    assert PROTECTED not in rss_titles(client, portal, f"/feeds/column/{portal_news.pk}/")
    assert PROTECTED not in page_text(client, portal, "/sitemap.xml") + page_text(client, portal, "/")


def test_restricting_a_listed_item_removes_it_from_cached_lists(client, township, django_capture_on_commit_callbacks):
    public = publish_article(column_of(township, "gzdt"), PUBLIC)
    assert PUBLIC in page_text(client, township, "/gzdt/")  # now in the anonymous page cache
    with django_capture_on_commit_callbacks(execute=True):
        restriction = restrict(public)
    assert PUBLIC not in page_text(client, township, "/gzdt/")
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert PUBLIC in page_text(client, township, "/gzdt/")
