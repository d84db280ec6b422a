"""Anonymous readers get cached pages with no database query, never a stale one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from core.cache import Scope, invalidate
from core.publishing import review_waived
from sites.models import SiteAppearance
from sites.page_cache import ALL, CLOCK_KEY, below_tag, page_tag, retire, site_tag
from sites.services import close_subsite

from ..conftest import column_of, publish_article


def get(client, site, path="/", **extra):
    return client.get(path, HTTP_HOST=site.hostname, **extra)


class TestServingFromCache:
    def test_second_request_is_a_hit_with_zero_queries(self, client, township, django_assert_num_queries):
        first = get(client, township, "/gzdt/")
        assert first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = get(client, township, "/gzdt/")
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content
        assert second["Content-Type"] == "text/html; charset=utf-8"

    def test_public_pages_say_how_proxies_may_cache_them(self, client, township):
        response = get(client, township)
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=300"
        assert response["Vary"] == "Cookie"

    def test_each_site_and_path_has_its_own_entry(self, client, portal, township):
        assert "水阳镇人民政府" in get(client, township).content.decode()
        assert "宣州区人民政府" in get(client, portal).content.decode()
        assert get(client, township)["X-Page-Cache"] == "hit"
        assert get(client, township, "/tzgg/")["X-Page-Cache"] == "miss"

    def test_elderly_mode_is_a_separate_variant(self, client, township):
        get(client, township)
        client.cookies["elderly"] = "1"
        response = get(client, township)
        assert response["X-Page-Cache"] == "miss"
        assert 'class="elderly"' in response.content.decode()


class TestNeverStale:
    def test_unpublished_article_disappears_from_its_page_column_and_home(self, client, township):
        article = publish_article(column_of(township, "gzdt"), "将要撤下的信息", slug="gone")
        for path in ("/", "/gzdt/", "/gzdt/gone/"):
            assert "将要撤下的信息" in get(client, township, path).content.decode()
        article.unpublish()
        assert get(client, township, "/gzdt/gone/").status_code == 404
        assert "将要撤下的信息" not in get(client, township, "/gzdt/").content.decode()
        assert "将要撤下的信息" not in get(client, township).content.decode()

    def test_publishing_shows_at_once(self, client, township):
        get(client, township, "/gzdt/")
        publish_article(column_of(township, "gzdt"), "刚发布的信息")
        assert "刚发布的信息" in get(client, township, "/gzdt/").content.decode()

    def test_a_publish_on_one_site_keeps_the_other_sites_pages(self, client, portal, township):
        get(client, portal)
        publish_article(column_of(township, "gzdt"), "镇里的新动态")
        assert get(client, portal)["X-Page-Cache"] == "hit"  # the portal's home page does not show it

    def test_deleted_and_moved_pages(self, client, township):
        article = publish_article(column_of(township, "gzdt"), "会被移动的信息", slug="moving")
        get(client, township, "/gzdt/moving/")
        with review_waived("测试数据"):  # seeded content: no workflow approved it for 通知公告
            article.move(column_of(township, "tzgg"), pos="last-child")
        moved = get(client, township, "/gzdt/moving/")  # Wagtail's redirects app points to the new home
        assert moved.status_code == 301 and moved["Location"].endswith("/tzgg/moving/")
        assert get(client, township, "/tzgg/moving/").status_code == 200
        article.refresh_from_db()
        article.delete()
        assert get(client, township, "/tzgg/moving/").status_code == 404

    def test_closing_a_site_is_seen_at_once(self, client, portal, township):
        get(client, township)
        close_subsite(township, notice="本站已关停。")
        assert get(client, township).status_code == 410

    def test_appearance_changes_are_seen_at_once(self, client, township):
        get(client, township)
        appearance = SiteAppearance.for_site(township)
        appearance.sponsor_line = "新的主办单位行"
        appearance.save()
        assert "新的主办单位行" in get(client, township).content.decode()

    def test_an_entry_rendered_before_a_change_is_a_miss_and_is_replaced(self, client, township):
        get(client, township, "/gzdt/")
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "hit"
        invalidate(Scope.PAGES)  # what any change does
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "miss"
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "hit"

    def test_a_lost_generation_key_retires_every_entry(self, client, township):
        from django.core.cache import cache

        from core.cache import Scope, token_key

        get(client, township, "/gzdt/")
        cache.delete(token_key(Scope.PAGES))  # evicted: a fresh token is made, old entries never match it
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "miss"


class TestTags:
    """Each entry carries what it shows; retiring a tag retires exactly the entries carrying it."""

    def test_a_page_names_what_it_shows_in_the_xkey_header(self, client, township):
        column = column_of(township, "gzdt")
        article = publish_article(column, "带标签的信息", slug="tagged")
        tags = get(client, township, "/gzdt/tagged/")["xkey"].split()
        home = township.root_page.path
        assert set(tags) == {"all", page_tag(article.pk), site_tag(home), below_tag(column.path)}
        assert set(get(client, township, "/gzdt/")["xkey"].split()) == {
            "all",
            page_tag(column.pk),
            site_tag(home),
            below_tag(column.path),
        }

    def test_retiring_a_tag_retires_only_the_entries_carrying_it(self, client, township):
        notices = column_of(township, "tzgg")
        for path in ("/gzdt/", "/tzgg/", "/"):
            get(client, township, path)
        retire(below_tag(notices.path))
        assert get(client, township, "/tzgg/")["X-Page-Cache"] == "miss"
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "hit"
        assert get(client, township, "/")["X-Page-Cache"] == "hit"  # the home page lists below itself only
        retire(below_tag(township.root_page.path))
        assert get(client, township, "/")["X-Page-Cache"] == "miss"

    def test_a_lost_clock_restarts_above_every_version_counted_before(self, client, township):
        get(client, township, "/gzdt/")
        retire("unrelated")
        cache.delete(CLOCK_KEY)  # evicted
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "hit"
        retire(site_tag(township.root_page.path))
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "miss"

    def test_a_lost_tag_version_is_a_miss_never_a_stale_hit(self, client, township):
        column = column_of(township, "gzdt")
        get(client, township, "/gzdt/")
        cache.delete(f"pagecache:tag:{below_tag(column.path)}")
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "miss"
        assert get(client, township, "/gzdt/")["X-Page-Cache"] == "hit"

    def test_retire_all_is_the_whole_cluster(self, client, portal, township):
        get(client, portal)
        get(client, township)
        retire(ALL)
        assert get(client, portal)["X-Page-Cache"] == get(client, township)["X-Page-Cache"] == "miss"


class TestNotCached:
    def test_signed_in_users_always_get_the_live_page(self, client, township):
        user = get_user_model().objects.create_user("editor", password="Editor-2026-pass")
        client.force_login(user)
        get(client, township)
        assert "X-Page-Cache" not in get(client, township)

    def test_pages_under_a_view_restriction(self, client, township):
        column = column_of(township, "gzdt")
        PageViewRestriction.objects.create(page=column, restriction_type="password", password="secret")
        get(client, township, "/gzdt/")
        assert "X-Page-Cache" not in get(client, township, "/gzdt/")

    @pytest.mark.parametrize("path", ["/admin/login/", "/api/catalogue/", "/no-such-page/"])
    def test_admin_api_and_errors(self, client, township, path):
        get(client, township, path)
        assert get(client, township, path).get("X-Page-Cache") != "hit"

    def test_post_requests(self, client, township):
        client.post("/", HTTP_HOST=township.hostname)
        assert get(client, township)["X-Page-Cache"] == "miss"


def page_cache_entries() -> int:
    from django.core.cache import cache

    return len(cache.keys("pagecache:*"))  # django-redis: the tests run on Redis


class TestQueryStrings:
    """Entries are keyed on the parameters a page reads, so junk in a URL cannot flood the cache."""

    @pytest.fixture
    def paged_column(self, township):
        column = column_of(township, "tzgg")
        # The smallest a column allows: six items make two pages (the live row is what is served).
        type(column).objects.filter(pk=column.pk).update(page_size=5)
        for n in range(1, 7):
            publish_article(column, f"第{n}条通知")
        return column

    def test_unknown_parameters_share_the_pages_entry(self, client, township, paged_column):
        get(client, township, "/tzgg/")
        entries = page_cache_entries()
        for n in range(1, 6):
            assert get(client, township, f"/tzgg/?junk={n}")["X-Page-Cache"] == "hit"
        assert page_cache_entries() == entries

    def test_unknown_parameters_on_a_first_visit_store_the_plain_page(self, client, township, paged_column):
        assert get(client, township, "/tzgg/?utm_source=weixin")["X-Page-Cache"] == "miss"
        assert get(client, township, "/tzgg/")["X-Page-Cache"] == "hit"

    def test_a_parameter_the_page_reads_has_its_own_entry(self, client, township, paged_column):
        first = get(client, township, "/tzgg/")
        second = get(client, township, "/tzgg/?page=2")
        assert second["X-Page-Cache"] == "miss" and second.content != first.content
        assert "第1条通知" in second.content.decode()  # newest first: page 2 holds the oldest
        assert get(client, township, "/tzgg/?page=2")["X-Page-Cache"] == "hit"
        assert get(client, township, "/tzgg/?page=2&junk=1")["X-Page-Cache"] == "hit"

    def test_parameter_order_does_not_matter(self, client, portal):
        assert get(client, portal, "/zfxxgk/xxgkml/?year=2018&sort=title")["X-Page-Cache"] == "miss"
        assert get(client, portal, "/zfxxgk/xxgkml/?sort=title&year=2018")["X-Page-Cache"] == "hit"

    def test_search_keys_on_its_own_parameters(self, client, township):
        assert get(client, township, "/search/?q=通知&page=1")["X-Page-Cache"] == "miss"
        assert get(client, township, "/search/?page=1&q=通知&junk=x")["X-Page-Cache"] == "hit"
        assert get(client, township, "/search/?q=公告")["X-Page-Cache"] == "miss"

    def test_the_variants_of_one_page_are_capped(self, client, township, paged_column, settings):
        settings.PAGE_CACHE_MAX_VARIANTS = 3
        get(client, township, "/tzgg/")
        entries = page_cache_entries()
        for n in range(2, 12):
            get(client, township, f"/tzgg/?page={n}")
        assert page_cache_entries() <= entries + 3 + 2  # the variants, plus bookkeeping
        assert get(client, township, "/tzgg/?page=11")["X-Page-Cache"] == "miss", "past the cap: served, not stored"
