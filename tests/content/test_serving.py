"""Serving pages in few queries changes nothing a reader or an operator can see.

Routing finds the chain of pages in one query (``cms.content.serving``), view
restrictions and the per-site facts come from caches retired on change
(``sites.site_facts``): these tests pin that every answer is still Wagtail's.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from cms.content.models import ColumnPage
from core.cache import Scope, invalidate
from core.publishing import review_waived
from sites import site_facts
from sites.site_facts import facts_for_request

from ..conftest import column_of, publish_article


def get(client, site, path="/"):
    invalidate(Scope.PAGES)  # always render: these tests are about the page, not the page cache
    return client.get(path, HTTP_HOST=site.hostname)


class TestRouting:
    def test_home_column_and_article_are_found(self, client, township):
        publish_article(column_of(township, "gzdt"), "镇里的工作动态", slug="news1")
        assert get(client, township).status_code == 200
        assert get(client, township, "/gzdt/").status_code == 200
        response = get(client, township, "/gzdt/news1/")
        assert response.status_code == 200
        assert "镇里的工作动态" in response.content.decode()

    def test_missing_or_extra_segments_are_404(self, client, township):
        publish_article(column_of(township, "gzdt"), "镇里的工作动态", slug="news1")
        for path in ("/nosuch/", "/gzdt/nosuch/", "/gzdt/news1/extra/", "/news1/"):
            assert get(client, township, path).status_code == 404, path

    def test_a_page_of_another_site_with_the_same_path_is_not_served(self, client, portal, township):
        publish_article(column_of(portal, "tzgg"), "门户的通知", slug="same")
        assert get(client, portal, "/tzgg/same/").status_code == 200
        assert get(client, township, "/tzgg/same/").status_code == 404

    def test_an_unpublished_article_is_404(self, client, township):
        article = publish_article(column_of(township, "gzdt"), "将撤下", slug="gone")
        article.unpublish()
        assert get(client, township, "/gzdt/gone/").status_code == 404

    def test_nested_columns_route_and_show_the_whole_breadcrumb(self, client, township):
        parent = column_of(township, "gzdt")
        child = parent.add_child(instance=ColumnPage(title="镇村动态", slug="zcdt"))
        publish_article(child, "村里修路了", slug="road")
        body = get(client, township, "/gzdt/zcdt/road/").content.decode()
        assert "村里修路了" in body
        breadcrumb = body.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
        assert '<a href="/">首页</a>' in breadcrumb
        assert f'<a href="/gzdt/">{parent.title}</a>' in breadcrumb
        assert '<a href="/gzdt/zcdt/">镇村动态</a>' in breadcrumb
        assert "<span>村里修路了</span>" in breadcrumb

    def test_a_moved_article_is_served_at_its_new_address_only(self, client, township):
        article = publish_article(column_of(township, "gzdt"), "换了栏目", slug="moved")
        assert get(client, township, "/gzdt/moved/").status_code == 200
        with review_waived("测试数据"):  # seeded content: no workflow approved it for 通知公告
            article.move(column_of(township, "tzgg"), pos="last-child")
        old = get(client, township, "/gzdt/moved/")
        assert old.status_code in (301, 404)  # Wagtail's automatic redirect, when enabled
        assert get(client, township, "/tzgg/moved/").status_code == 200


class TestViewRestrictions:
    def test_restricting_a_column_after_it_was_served_hides_its_articles(
        self, client, township, django_capture_on_commit_callbacks
    ):
        column = column_of(township, "gzdt")
        publish_article(column, "内部信息", slug="inside")
        assert get(client, township, "/gzdt/inside/").status_code == 200  # facts now cached

        with django_capture_on_commit_callbacks(execute=True):  # the cached list is retired after commit
            restriction = PageViewRestriction.objects.create(page=column, restriction_type=PageViewRestriction.LOGIN)
        response = get(client, township, "/gzdt/inside/")
        assert response.status_code == 302
        assert "/login/" in response["Location"]

        with django_capture_on_commit_callbacks(execute=True):
            restriction.delete()
        assert get(client, township, "/gzdt/inside/").status_code == 200

    def test_a_password_on_the_article_itself_is_asked_for(self, client, township, django_capture_on_commit_callbacks):
        article = publish_article(column_of(township, "gzdt"), "需要密码", slug="secret")
        get(client, township, "/gzdt/secret/")
        with django_capture_on_commit_callbacks(execute=True):
            PageViewRestriction.objects.create(
                page=article, restriction_type=PageViewRestriction.PASSWORD, password="Secret-2026"
            )
        response = get(client, township, "/gzdt/secret/")
        assert response.status_code == 200
        assert 'name="password"' in response.content.decode()
        assert "需要密码的正文" not in response.content.decode()

    def test_group_restriction_on_a_sibling_column_does_not_touch_this_one(self, client, township):
        publish_article(column_of(township, "gzdt"), "公开信息", slug="open")
        restriction = PageViewRestriction.objects.create(
            page=column_of(township, "tzgg"), restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(Group.objects.first())
        assert get(client, township, "/gzdt/open/").status_code == 200
        assert get(client, township, "/tzgg/").status_code == 302

    def test_an_alias_of_a_restricted_column_keeps_the_restriction(self, client, portal, township):
        column = column_of(township, "gzdt")
        publish_article(column, "内部信息", slug="inside")
        with review_waived("测试数据"):  # seeded content: a live alias passes the portal's review rule
            column.create_alias(parent=portal.root_page, recursive=True, update_slug="shuiyang-gzdt")
        assert get(client, portal, "/shuiyang-gzdt/inside/").status_code == 200
        PageViewRestriction.objects.create(page=column, restriction_type=PageViewRestriction.LOGIN)
        assert get(client, portal, "/shuiyang-gzdt/").status_code == 302
        assert get(client, portal, "/shuiyang-gzdt/inside/").status_code == 302


class TestSiteFactsAreNeverStale:
    def test_a_renamed_site_shows_its_new_name(self, client, township):
        assert "水阳镇人民政府" in get(client, township).content.decode()
        township.site_name = "水阳镇人民政府（新）"
        township.save()
        assert "水阳镇人民政府（新）" in get(client, township, "/gzdt/").content.decode()

    def test_a_changed_footer_fact_shows_at_once(self, client, township):
        get(client, township)
        profile = township.profile
        profile.site_id_code = "3418020099"
        profile.save()
        assert "网站标识码：3418020099" in get(client, township).content.decode()

    def test_a_renamed_organisation_is_read_again(self, rf, township):
        request = rf.get("/", HTTP_HOST=township.hostname)
        organisation = facts_for_request(request).profile.organisation
        assert facts_for_request(request).profile.organisation == organisation  # cached
        organisation.name = "水阳镇人民政府办公室"
        organisation.save()
        assert facts_for_request(request).profile.organisation.name == "水阳镇人民政府办公室"

    def test_a_published_home_page_title_is_used_at_once(self, client, township):
        get(client, township)
        home = township.root_page.specific
        home.title = "水阳镇首页新标题"
        with review_waived("测试数据"):
            home.save_revision().publish()
        assert "<title>水阳镇首页新标题" in get(client, township).content.decode()

    def test_unknown_hostnames_are_not_cached(self, rf, portal):
        request = rf.get("/", HTTP_HOST="unknown.example.org")
        assert facts_for_request(request).site == portal  # Wagtail's fallback to the default site
        assert cache.get(site_facts._key("unknown.example.org", request.get_port())) is None
        known = rf.get("/", HTTP_HOST=portal.hostname)
        facts_for_request(known)
        assert cache.get(site_facts._key(portal.hostname, known.get_port())) is not None
