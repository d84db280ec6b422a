"""Home, column and article pages: listing, nesting, validation and page metadata."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.content.models import ArticlePage, ColumnPage, ColumnType
from core.cache import Scope, invalidate

from ..conftest import column_of, publish_article


class TestColumnPage:
    def test_lists_items_newest_first(self, client, township):
        column = column_of(township, "gzdt")
        now = timezone.now()
        publish_article(column, "较早的信息", now - timedelta(days=3))
        publish_article(column, "最新的信息", now)
        publish_article(column, "中间的信息", now - timedelta(days=1))
        response = client.get("/gzdt/", HTTP_HOST=township.hostname)
        assert [item.title for item in response.context["items"]] == ["最新的信息", "中间的信息", "较早的信息"]

    def test_paginates_by_its_page_size(self, client, township):
        column = column_of(township, "gzdt")
        column.page_size = 5
        column.save()
        now = timezone.now()
        for n in range(12):
            publish_article(column, f"第{n}条", now - timedelta(hours=n))
        first = client.get("/gzdt/", HTTP_HOST=township.hostname)
        third = client.get("/gzdt/?page=3", HTTP_HOST=township.hostname)
        assert [i.title for i in first.context["items"]] == [f"第{n}条" for n in range(5)]
        assert [i.title for i in third.context["items"]] == ["第10条", "第11条"]
        assert "第 1 页 / 共 3 页" in first.content.decode()

    @pytest.mark.parametrize("page", ["999", "abc", "-1", "1e9", "%00"])
    def test_bad_page_numbers_give_a_normal_page(self, client, township, page):
        publish_article(column_of(township, "gzdt"), "一条信息")
        response = client.get(f"/gzdt/?page={page}", HTTP_HOST=township.hostname)
        assert response.status_code == 200
        assert "一条信息" in response.content.decode()

    def test_unpublished_items_are_not_listed(self, client, township):
        article = publish_article(column_of(township, "gzdt"), "已撤下的信息")
        article.unpublish()
        response = client.get("/gzdt/", HTTP_HOST=township.hostname)
        assert "已撤下的信息" not in response.content.decode()

    def test_columns_nest_and_show_their_subcolumns(self, client, portal):
        response = client.get("/ywdt/", HTTP_HOST=portal.hostname)
        assert [c.title for c in response.context["subcolumns"]] == ["政务要闻", "部门动态", "乡镇动态"]
        nested = client.get("/ywdt/zwyw/", HTTP_HOST=portal.hostname)
        assert nested.status_code == 200
        assert "当前位置：" in nested.content.decode()

    def test_a_parent_column_lists_its_sub_columns_items(self, client, portal):
        now = timezone.now()
        publish_article(column_of(portal, "ywdt/zwyw"), "区政府常务会议召开", now - timedelta(hours=1))
        publish_article(column_of(portal, "ywdt/xzdt"), "水阳镇开展防汛演练", now)
        response = client.get("/ywdt/", HTTP_HOST=portal.hostname)
        assert [item.title for item in response.context["items"]] == ["水阳镇开展防汛演练", "区政府常务会议召开"]
        assert "本栏目暂无信息" not in response.content.decode()

    def test_a_parent_column_costs_the_same_queries_however_many_sub_columns(self, client, portal):
        parent = column_of(portal, "ywdt")
        publish_article(column_of(portal, "ywdt/zwyw"), "政务要闻一")

        def render() -> tuple[int, int]:
            """(queries, items listed) of an uncached render of the parent column."""
            invalidate(Scope.PAGES)
            with CaptureQueriesContext(connection) as captured:
                response = client.get("/ywdt/", HTTP_HOST=portal.hostname)
            return len(captured), len(response.context["items"])

        render()  # warm the per-process caches
        few, listed = render()
        for n in range(4):
            column = parent.add_child(instance=ColumnPage(title=f"子栏目{n}", slug=f"sub{n}"))
            publish_article(column, f"子栏目{n}的信息")
        render()
        assert render() == (few, listed + 4)

    @pytest.mark.parametrize(
        ("column_type", "expected"),
        [(ColumnType.NEWS, 14), (ColumnType.NOTICE, 180), (ColumnType.POLICY, 180), (ColumnType.SERVICE, None)],
    )
    def test_expected_update_interval_defaults_from_the_inspection_rules(self, db, column_type, expected):
        assert ColumnPage(column_type=column_type).expected_update_interval == expected

    def test_explicit_update_interval_wins(self, db):
        assert ColumnPage(column_type=ColumnType.NEWS, update_interval_days=7).expected_update_interval == 7

    def test_column_meta_tags(self, client, township):
        html = client.get("/tzgg/", HTTP_HOST=township.hostname).content.decode()
        assert '<meta name="ColumnName" content="通知公告">' in html
        assert '<meta name="ColumnType" content="通知公告">' in html


class TestArticlePage:
    def test_renders_with_government_metadata(self, client, township):
        when = timezone.make_aware(timezone.datetime(2016, 12, 15, 15, 20))
        publish_article(column_of(township, "tzgg"), "关于做好防汛工作的通知", when, source="水阳镇党政办", slug="fx")
        html = client.get("/tzgg/fx/", HTTP_HOST=township.hostname).content.decode()
        assert '<meta name="ArticleTitle" content="关于做好防汛工作的通知">' in html
        assert '<meta name="PubDate" content="2016-12-15 15:20">' in html
        assert '<meta name="ContentSource" content="水阳镇党政办">' in html
        assert "来源：水阳镇党政办" in html

    def test_cover_image_requires_alt_text(self, township):
        image = Image.objects.create(title="封面", file=get_test_image_file())
        column = column_of(township, "gzdt")
        page = ArticlePage(title="有封面的信息", slug="cover", body="<p>正文</p>", cover_image=image)
        with pytest.raises(ValidationError) as error:
            column.add_child(instance=page)
        assert error.value.message_dict["cover_image_alt"] == ["设置了封面图片时必须填写替代文字。"]
        assert not ArticlePage.objects.filter(slug="cover").exists()
        page = ArticlePage(
            title="有封面的信息", slug="cover", body="<p>正文</p>", cover_image=image, cover_image_alt="防汛演练现场"
        )
        column.add_child(instance=page)
        assert ArticlePage.objects.get(slug="cover").cover_image_alt == "防汛演练现场"

    def test_body_rejects_styling_outside_the_feature_set(self):
        from wagtail.rich_text import features as feature_registry

        body_features = ArticlePage._meta.get_field("body").features
        assert "embed" not in body_features
        assert "code" not in body_features
        assert set(body_features) <= set(feature_registry.get_default_features()) | {
            "h4",
            "hr",
            "document-link",
            "image",
        }

    def test_keywords_split_on_chinese_and_latin_separators(self, db):
        assert ArticlePage(keywords="防汛，安全生产、 应急 ;演练").keyword_list == ["防汛", "安全生产", "应急", "演练"]

    def test_articles_live_only_in_columns(self):
        assert ArticlePage.parent_page_types == ["content.ColumnPage"]


class TestHomePage:
    def test_home_meta_tags_and_footer(self, client, township):
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        assert '<meta name="SiteName" content="水阳镇人民政府">' in html
        assert '<meta name="SiteDomain" content="shuiyang.example.gov.cn">' in html
        assert '<meta name="SiteIDCode" content="3418020001">' in html
        assert "网站标识码：3418020001" in html

    def test_navigation_lists_the_sites_own_top_level_columns(self, client, township):
        for slug in ("xzgk", "gzdt", "tzgg", "bsfw"):
            publish_article(column_of(township, slug), f"{slug}信息", slug=f"nav-{slug}")
        response = client.get("/", HTTP_HOST=township.hostname)
        html = response.content.decode()
        for title in ("乡镇概况", "工作动态", "通知公告", "政府信息公开", "办事服务"):
            assert f">{title}</a>" in html
        assert ">政务要闻</a>" not in html

    def test_navigation_leaves_out_columns_with_nothing_in_them_until_they_have(self, client, portal):
        def nav() -> str:
            html = client.get("/", HTTP_HOST=portal.hostname).content.decode()
            start = html.index('aria-label="主导航"')
            return html[start : html.index("</nav>", start)]

        assert ">要闻动态</a>" not in nav()  # blank: an inspection fault
        assert ">政府信息公开</a>" in nav()  # its standing pages and catalogue are content
        publish_article(column_of(portal, "ywdt/zwyw"), "区政府召开常务会议")  # in a sub-column
        assert ">要闻动态</a>" in nav()
