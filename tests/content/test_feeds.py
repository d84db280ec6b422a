"""Per-site RSS feeds, sitemap.xml and robots.txt: each lists only its own site's live, public pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms.content.models import ArticlePage, ColumnPage
from sites.services import close_subsite

from ..conftest import column_of, publish_article

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
DC = "{http://purl.org/dc/elements/1.1/}"
# RFC 822 / 2822 as RSS 2.0 requires, e.g. "Thu, 15 Dec 2016 07:20:00 +0000".
RFC822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


def get_rss(client, url: str, site) -> ET.Element:
    response = client.get(url, HTTP_HOST=site.hostname)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return root.find("channel")


def item_titles(channel: ET.Element) -> list[str]:
    return [item.findtext("title") for item in channel.findall("item")]


def sitemap_locations(client, site) -> list[str]:
    response = client.get("/sitemap.xml", HTTP_HOST=site.hostname)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


def restrict_with_password(page) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret")


def save_draft(column: ColumnPage, title: str, slug: str) -> ArticlePage:
    draft = ArticlePage(title=title, slug=slug, body="<p>草稿</p>", live=False)
    column.add_child(instance=draft)
    draft.save_revision()
    return draft


class TestSiteFeed:
    def test_each_site_lists_only_its_own_items(self, client, township, department):
        # Both sites have a /gzdt/ column: same paths, different sites.
        publish_article(column_of(township, "gzdt"), "水阳镇的信息", slug="same")
        publish_article(column_of(department, "gzdt"), "教育局的信息", slug="same")

        assert item_titles(get_rss(client, "/rss.xml", township)) == ["水阳镇的信息"]
        assert item_titles(get_rss(client, "/rss.xml", department)) == ["教育局的信息"]

    def test_lists_items_of_every_column_newest_first(self, client, township):
        now = timezone.now()
        publish_article(column_of(township, "gzdt"), "较早", now - timedelta(days=2))
        publish_article(column_of(township, "tzgg"), "最新", now)
        publish_article(column_of(township, "gzdt"), "中间", now - timedelta(days=1))

        assert item_titles(get_rss(client, "/rss.xml", township)) == ["最新", "中间", "较早"]

    def test_is_valid_rss_2(self, client, township):
        when = timezone.make_aware(datetime(2016, 12, 15, 15, 20))
        article = publish_article(
            column_of(township, "tzgg"),
            "关于做好防汛工作的通知",
            when,
            slug="fx",
            author="张三",
            source="水阳镇党政办",
            body="<p>各村（社区）：</p><p>请做好<b>防汛</b>准备 &amp; 值班。</p>",
        )

        channel = get_rss(client, "/rss.xml", township)

        assert channel.findtext("title") == "水阳镇人民政府"
        assert channel.findtext("link") == "http://shuiyang.example.gov.cn/"
        assert channel.findtext("language") == "zh-cn"
        assert channel.findtext("description")
        (item,) = channel.findall("item")
        assert item.findtext("title") == "关于做好防汛工作的通知"
        assert item.findtext("link") == "http://shuiyang.example.gov.cn/tzgg/fx/"
        assert item.findtext("guid") == item.findtext("link")
        assert item.findtext("description") == "各村（社区）： 请做好防汛准备 & 值班。"
        assert item.findtext(f"{DC}creator") == "张三"
        assert item.findtext(f"{DC}publisher") == "水阳镇党政办"
        pub_date = item.findtext("pubDate")
        assert RFC822.match(pub_date), pub_date
        assert parsedate_to_datetime(pub_date) == article.publication_date

    def test_search_description_wins_and_long_bodies_are_cut(self, client, township):
        column = column_of(township, "gzdt")
        publish_article(column, "有摘要", search_description="编辑写的摘要")
        publish_article(column, "长正文", timezone.now() - timedelta(hours=1), body=f"<p>{'字' * 500}</p>")

        descriptions = [item.findtext("description") for item in get_rss(client, "/rss.xml", township).iter("item")]

        assert descriptions[0] == "编辑写的摘要"
        # Truncated to ~200 characters, ending with Django's (localised) ellipsis.
        assert descriptions[1].startswith("字" * 190)
        assert len(descriptions[1]) == 200
        assert not descriptions[1].endswith("字")

    def test_unpublished_drafts_and_restricted_items_vanish(self, client, township):
        column = column_of(township, "gzdt")
        publish_article(column, "保留的信息")
        withdrawn = publish_article(column, "撤下的信息")
        save_draft(column, "草稿信息", "draft")
        restrict_with_password(publish_article(column, "受限的信息"))
        # Items of a restricted column are private too.
        restrict_with_password(column_of(township, "tzgg"))
        publish_article(column_of(township, "tzgg"), "受限栏目里的信息")
        assert "撤下的信息" in item_titles(get_rss(client, "/rss.xml", township))

        withdrawn.unpublish()

        assert item_titles(get_rss(client, "/rss.xml", township)) == ["保留的信息"]

    def test_lists_the_latest_twenty(self, client, township):
        column = column_of(township, "gzdt")
        now = timezone.now()
        for n in range(23):
            publish_article(column, f"第{n}条", now - timedelta(hours=n))

        assert item_titles(get_rss(client, "/rss.xml", township)) == [f"第{n}条" for n in range(20)]

    def test_query_count_does_not_grow_with_items(self, client, township):
        column = column_of(township, "gzdt")
        publish_article(column, "第一条")
        client.get("/rss.xml", HTTP_HOST=township.hostname)  # warm caches shared by every request
        with CaptureQueriesContext(connection) as few:
            client.get("/rss.xml", HTTP_HOST=township.hostname)
        for n in range(5):
            publish_article(column, f"更多{n}")
        with CaptureQueriesContext(connection) as more:
            client.get("/rss.xml", HTTP_HOST=township.hostname)
        assert len(more) == len(few)


class TestColumnFeed:
    def test_lists_only_that_columns_items(self, client, township):
        column = column_of(township, "gzdt")
        now = timezone.now()
        publish_article(column, "旧动态", now - timedelta(days=1))
        publish_article(column, "新动态", now)
        publish_article(column_of(township, "tzgg"), "一则通知")

        channel = get_rss(client, f"/feeds/column/{column.pk}/", township)

        assert item_titles(channel) == ["新动态", "旧动态"]
        assert channel.findtext("title") == "水阳镇人民政府 - 工作动态"
        assert channel.findtext("link") == "http://shuiyang.example.gov.cn/gzdt/"

    def test_unknown_foreign_or_non_column_ids_are_404(self, client, township, department):
        foreign_column = column_of(department, "gzdt")
        article = publish_article(column_of(township, "gzdt"), "一条信息")
        for page_id in (foreign_column.pk, article.pk, township.root_page.pk, 999_999):
            response = client.get(f"/feeds/column/{page_id}/", HTTP_HOST=township.hostname)
            assert response.status_code == 404, page_id
        # The foreign column's feed does exist on its own site.
        assert client.get(f"/feeds/column/{foreign_column.pk}/", HTTP_HOST=department.hostname).status_code == 200

    def test_unpublished_or_restricted_columns_are_404(self, client, township):
        unpublished = column_of(township, "gzdt")
        unpublished.unpublish()
        restricted = column_of(township, "tzgg")
        restrict_with_password(restricted)
        for column in (unpublished, restricted):
            assert client.get(f"/feeds/column/{column.pk}/", HTTP_HOST=township.hostname).status_code == 404


class TestSitemap:
    def test_lists_only_the_sites_live_public_pages_on_its_own_host(self, client, township, department):
        column = column_of(township, "gzdt")
        publish_article(column, "公开的信息", slug="public")
        publish_article(column_of(department, "gzdt"), "教育局的信息", slug="edu")
        save_draft(column, "草稿", "draft")
        publish_article(column, "撤下的信息", slug="withdrawn").unpublish()
        restrict_with_password(publish_article(column, "受限的信息", slug="secret-item"))
        restricted_column = column_of(township, "tzgg")
        publish_article(restricted_column, "受限栏目里的信息", slug="under-restriction")
        restrict_with_password(restricted_column)

        locations = sitemap_locations(client, township)

        expected_pages = (
            township.root_page.get_descendants(inclusive=True).live().not_descendant_of(restricted_column, True)
        )
        assert len(locations) == expected_pages.count() - 1  # minus the restricted item
        assert all(url.startswith("http://shuiyang.example.gov.cn/") for url in locations)
        assert "http://shuiyang.example.gov.cn/" in locations
        assert "http://shuiyang.example.gov.cn/gzdt/public/" in locations
        for hidden in ("draft", "withdrawn", "secret-item", "under-restriction"):
            assert not any(hidden in url for url in locations), hidden
        assert not any("/tzgg/" in url for url in locations)
        assert not any("edu" in url for url in locations)
        assert all(url.startswith("http://jyj.example.gov.cn/") for url in sitemap_locations(client, department))

    def test_lastmod_is_the_last_publication(self, client, township):
        article = publish_article(column_of(township, "gzdt"), "一条信息", slug="one")
        root = ET.fromstring(client.get("/sitemap.xml", HTTP_HOST=township.hostname).content)
        entry = next(
            url
            for url in root.findall("sm:url", SITEMAP_NS)
            if url.findtext("sm:loc", namespaces=SITEMAP_NS).endswith("/one/")
        )
        lastmod = entry.findtext("sm:lastmod", namespaces=SITEMAP_NS)
        # W3C Datetime in Beijing time, to the second.
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00", lastmod), lastmod
        assert datetime.fromisoformat(lastmod) == article.last_published_at.replace(microsecond=0)

    def test_query_count_does_not_grow_with_pages(self, client, township):
        column = column_of(township, "gzdt")
        client.get("/sitemap.xml", HTTP_HOST=township.hostname)  # warm caches shared by every request
        with CaptureQueriesContext(connection) as few:
            client.get("/sitemap.xml", HTTP_HOST=township.hostname)
        for n in range(10):
            publish_article(column, f"第{n}条")
        with CaptureQueriesContext(connection) as more:
            locations = sitemap_locations(client, township)
        assert sum("/gzdt/a" in url for url in locations) == 10
        assert len(more) == len(few)


class TestRobotsTxt:
    def test_points_to_the_sites_own_sitemap(self, client, township, department):
        response = client.get("/robots.txt", HTTP_HOST=township.hostname)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert lines[:2] == ["User-agent: *", "Disallow: /admin/"]
        assert "Sitemap: http://shuiyang.example.gov.cn/sitemap.xml" in lines
        other = client.get("/robots.txt", HTTP_HOST=department.hostname).content.decode()
        assert "Sitemap: http://jyj.example.gov.cn/sitemap.xml" in other


class TestClosedSite:
    @pytest.mark.parametrize("path", ["/rss.xml", "/feeds/column/{column}/", "/sitemap.xml", "/robots.txt"])
    def test_answers_410(self, client, township, path):
        column = column_of(township, "gzdt")
        publish_article(column, "一条信息")
        close_subsite(township, notice="本站已关停，信息迁至门户网站。")
        response = client.get(path.format(column=column.pk), HTTP_HOST=township.hostname)
        assert response.status_code == 410


class TestFeedLinks:
    """Readers and feed readers find the feeds from the pages themselves."""

    def test_every_page_announces_the_site_feed(self, client, township):
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        found = re.search(r'<link rel="alternate" type="application/rss\+xml" title="([^"]+)" href="([^"]+)">', html)
        assert found and found.group(1) == f"{township.profile}最新信息"
        assert get_rss(client, found.group(2), township).findtext("title") == township.site_name

    def test_a_column_announces_and_links_its_own_feed(self, client, township):
        column = column_of(township, "gzdt")
        publish_article(column, "水阳镇召开防汛工作会议")
        html = client.get("/gzdt/", HTTP_HOST=township.hostname).content.decode()
        alternate = re.search(
            rf'<link rel="alternate" type="application/rss\+xml" title="{column.title}" href="([^"]+)">', html
        )
        visible = re.search(
            r'<p class="feed-link"><a href="([^"]+)" type="application/rss\+xml">RSS 订阅本栏目</a>', html
        )
        assert alternate and visible and alternate.group(1) == visible.group(1)
        assert item_titles(get_rss(client, visible.group(1), township)) == ["水阳镇召开防汛工作会议"]
