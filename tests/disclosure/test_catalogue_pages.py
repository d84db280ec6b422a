"""The public catalogue on the portal (every organisation) and on subsites (their own)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.disclosure.models import InterpretationPage, Topic
from core.publishing import review_waived
from sites.models import SiteProfile, SiteStatus

from ..conftest import column_of

PORTAL_CATALOGUE = "/zfxxgk/xxgkml/"
DEPT_CATALOGUE = "/xxgk/xxgkml/"


def at(year: int, month: int = 6, day: int = 1) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 0))


@pytest.fixture
def catalogue(portal, department, publish_policy):
    """Items of two organisations, topics, genres and years."""
    education = Topic.objects.get(parent=None, name="科技、教育")
    schools = Topic.objects.create(name="学前教育", parent=education)
    return {
        "p2016": publish_policy(
            portal, "宣州区人民政府关于加强网站建设的通知", when=at(2016), document_number="宣政〔2016〕3号"
        ),
        "p2018": publish_policy(portal, "宣州区人民政府关于政务公开的意见", when=at(2018), genre="意见"),
        "d2018": publish_policy(department, "区教育局关于幼儿园招生的通知", when=at(2018, 3), topic=schools),
        "d2019": publish_policy(department, "区教育局关于中小学安全的通知", when=at(2019), topic=education),
    }


def titles(response) -> list[str]:
    return [item.title for item in response.context["items"]]


class TestScope:
    def test_portal_lists_every_organisation_newest_first(self, client, portal, catalogue):
        response = client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname)
        assert response.status_code == 200
        assert titles(response) == [
            "区教育局关于中小学安全的通知",
            "宣州区人民政府关于政务公开的意见",
            "区教育局关于幼儿园招生的通知",
            "宣州区人民政府关于加强网站建设的通知",
        ]

    def test_subsite_lists_only_its_own_organisation(self, client, department, catalogue):
        response = client.get(DEPT_CATALOGUE, HTTP_HOST=department.hostname)
        assert titles(response) == ["区教育局关于中小学安全的通知", "区教育局关于幼儿园招生的通知"]
        assert "按发布机构" not in response.content.decode()

    def test_list_shows_the_classic_columns(self, client, portal, catalogue):
        html = client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname).content.decode()
        for header in ("索引号", "标题", "发文字号", "发布机构", "成文日期", "发布日期"):
            assert f">{header}</a></th>" in html or f">{header}</th>" in html
        assert catalogue["p2016"].index_number.value in html
        assert "宣政〔2016〕3号" in html

    def test_unpublished_items_leave_the_catalogue_and_its_counts(self, client, portal, catalogue):
        catalogue["p2016"].unpublish()
        response = client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname)
        assert "宣州区人民政府关于加强网站建设的通知" not in titles(response)
        years = {year["label"]: year["count"] for year in response.context["facets"]["years"]}
        assert "2016年" not in years

    @pytest.mark.parametrize("status", [SiteStatus.PREPARING, SiteStatus.CLOSED])
    def test_the_portal_leaves_out_a_site_the_public_cannot_open(self, client, portal, department, catalogue, status):
        # Its pages answer 404 (筹建) or 410 (已关闭): listed, they would be dead links.
        SiteProfile.objects.filter(site=department).update(status=status)
        SiteProfile.objects.get(site=department).save()  # the save retires the site facts, as every status action's
        response = client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname)
        assert titles(response) == ["宣州区人民政府关于政务公开的意见", "宣州区人民政府关于加强网站建设的通知"]
        organisations = [entry["label"] for entry in response.context["facets"]["organisations"]]
        assert department.profile.organisation.name not in organisations
        SiteProfile.objects.filter(site=department).update(status=SiteStatus.OPEN)
        SiteProfile.objects.get(site=department).save()
        assert len(titles(client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname))) == 4


class TestFiltersAndSorting:
    def test_filters_combine(self, client, portal, catalogue, department):
        org = department.profile.organisation.pk
        response = client.get(f"{PORTAL_CATALOGUE}?org={org}&year=2018", HTTP_HOST=portal.hostname)
        assert titles(response) == ["区教育局关于幼儿园招生的通知"]
        labels = [active["label"] for active in response.context["active_filters"]]
        assert labels == [f"发布机构：{department.profile.organisation.name}", "年份：2018年"]

    def test_a_top_level_topic_includes_its_second_level(self, client, portal, catalogue):
        education = Topic.objects.get(parent=None, name="科技、教育")
        response = client.get(f"{PORTAL_CATALOGUE}?topic={education.pk}", HTTP_HOST=portal.hostname)
        assert set(titles(response)) == {"区教育局关于幼儿园招生的通知", "区教育局关于中小学安全的通知"}

    def test_genre_filter(self, client, portal, catalogue):
        response = client.get(f"{PORTAL_CATALOGUE}?genre=意见", HTTP_HOST=portal.hostname)
        assert titles(response) == ["宣州区人民政府关于政务公开的意见"]

    def test_removing_a_filter_keeps_the_others(self, client, portal, catalogue, department):
        org = department.profile.organisation.pk
        response = client.get(f"{PORTAL_CATALOGUE}?org={org}&year=2018&sort=title", HTTP_HOST=portal.hostname)
        remove_year = next(a["remove"] for a in response.context["active_filters"] if a["label"].startswith("年份"))
        assert remove_year == f"?org={org}&sort=title"

    def test_sort_by_index_number_both_ways(self, client, portal, catalogue):
        ascending = client.get(f"{PORTAL_CATALOGUE}?sort=index&order=asc", HTTP_HOST=portal.hostname)
        values = [item.index_number.value for item in ascending.context["items"]]
        assert values == sorted(values)
        descending = client.get(f"{PORTAL_CATALOGUE}?sort=index", HTTP_HOST=portal.hostname)
        assert [item.index_number.value for item in descending.context["items"]] == sorted(values, reverse=True)

    def test_clicking_the_active_column_flips_its_order(self, client, portal, catalogue):
        response = client.get(f"{PORTAL_CATALOGUE}?sort=title", HTTP_HOST=portal.hostname)
        title_column = next(c for c in response.context["list_columns"] if c["label"] == "标题")
        assert title_column["active"] and title_column["url"] == "?sort=title&order=asc"

    @pytest.mark.parametrize(
        "query",
        [
            "topic=abc",
            "org=-1",
            "genre=命令书",
            "year=99999",
            "sort=;drop table",
            "page=0",
            "page=999999",
            "order=sideways",
            "topic=99999999",
        ],
    )
    def test_malformed_parameters_give_a_normal_page(self, client, portal, catalogue, query):
        response = client.get(f"{PORTAL_CATALOGUE}?{query}", HTTP_HOST=portal.hostname)
        assert response.status_code == 200

    def test_pagination(self, client, portal, catalogue):
        page = column_of(portal, "zfxxgk").get_children().get(slug="xxgkml").specific
        page.page_size = 3
        with review_waived("测试数据"):
            page.save_revision().publish()
        second = client.get(f"{PORTAL_CATALOGUE}?page=2", HTTP_HOST=portal.hostname)
        assert titles(second) == ["宣州区人民政府关于加强网站建设的通知"]
        assert second.context["page_urls"]["previous"] == "?page=1"

    def test_facet_counts(self, client, portal, catalogue):
        facets = client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname).context["facets"]
        assert {y["label"]: y["count"] for y in facets["years"]} == {"2019年": 1, "2018年": 2, "2016年": 1}
        education = next(t for t in facets["topics"] if t["label"] == "科技、教育")
        assert education["count"] == 2
        assert [(c["label"], c["count"]) for c in education["children"]] == [("学前教育", 1)]
        assert {g["label"]: g["count"] for g in facets["genres"]} == {"通知": 3, "意见": 1}

    def test_query_count_does_not_grow_with_items(self, client, portal, department, catalogue, publish_policy):
        def count() -> int:
            client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname)  # warm caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname).status_code == 200
            return len(queries)

        few = count()
        for n in range(12):
            publish_policy(department, f"新增文件{n}", when=at(2020, 1, n + 1))
        assert count() == few
        assert few <= 15


class TestItemPages:
    def test_metadata_table_above_the_body(self, client, portal, catalogue):
        page = catalogue["p2016"]
        html = client.get(
            page.url_path.removeprefix(portal.root_page.url_path[:-1]), HTTP_HOST=portal.hostname
        ).content.decode()
        assert html.index("metadata-table") < html.index("article-body")
        for text in (page.index_number.value, "宣政〔2016〕3号", "综合政务", "2016-06-01", "主动公开", "长期公开"):
            assert text in html

    def test_repealed_items_stay_reachable_under_a_dated_banner_with_the_replacement(self, client, portal, catalogue):
        old, new = catalogue["p2016"], catalogue["p2018"]
        old.validity = "repealed"
        old.validity_changed_on = date(2018, 6, 1)
        old.replaced_by = new
        with review_waived("测试数据"):
            old.save_revision().publish()
        response = client.get("/zcwj/" + old.slug + "/", HTTP_HOST=portal.hostname)
        assert response.status_code == 200
        html = response.content.decode()
        assert "本文件已废止" in html and "2018年6月1日" in html
        assert f'href="/zcwj/{new.slug}/"' in html
        listing = client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname).content.decode()
        assert "badge--withdrawn" in listing


class TestInterpretations:
    @pytest.fixture
    def interpretation(self, portal, catalogue):
        page = InterpretationPage(title="图解：政务公开意见", slug="jd", body="<p>解读正文</p>", live=False)
        column_of(portal, "zcjd").add_child(instance=page)
        page.interprets.set([catalogue["p2018"]])
        with review_waived("测试数据"):
            page.save_revision().publish()
        return page

    def test_both_pages_link_to_each_other(self, client, portal, catalogue, interpretation):
        policy_html = client.get(f"/zcwj/{catalogue['p2018'].slug}/", HTTP_HOST=portal.hostname).content.decode()
        assert "政策解读" in policy_html and "图解：政务公开意见" in policy_html
        interpretation_html = client.get("/zcjd/jd/", HTTP_HOST=portal.hostname).content.decode()
        assert "宣州区人民政府关于政务公开的意见" in interpretation_html

    def test_catalogue_marks_items_that_have_one(self, client, portal, catalogue, interpretation):
        response = client.get(PORTAL_CATALOGUE, HTTP_HOST=portal.hostname)
        marked = [item.title for item in response.context["items"] if item.has_interpretation]
        assert marked == ["宣州区人民政府关于政务公开的意见"]
        assert "有解读" in response.content.decode()


class TestOpenData:
    def test_json_with_the_catalogues_filters_and_pagination(self, client, portal, catalogue):
        response = client.get("/api/catalogue/?year=2018&page_size=1&sort=title&order=asc", HTTP_HOST=portal.hostname)
        assert response["Content-Type"] == "application/json"
        data = json.loads(response.content)
        assert (data["count"], data["pages"], data["page_size"]) == (2, 2, 1)
        item = data["results"][0]
        assert item["title"] == "区教育局关于幼儿园招生的通知"
        assert item["index_number"] == catalogue["d2018"].index_number.value
        assert item["published"] == "2018-03-01"
        assert item["topic"] == "学前教育"
        assert item["url"].startswith(f"http://{catalogue['d2018'].get_site().hostname}")

    def test_subsite_endpoint_is_scoped_to_its_organisation(self, client, department, catalogue):
        data = json.loads(client.get("/api/catalogue/", HTTP_HOST=department.hostname).content)
        assert {item["organisation"] for item in data["results"]} == {department.profile.organisation.name}

    @pytest.mark.parametrize("query", ["page_size=100000", "page=abc", "year=x&topic=y", "page_size=-5"])
    def test_bad_parameters_are_ignored(self, client, portal, catalogue, query):
        response = client.get(f"/api/catalogue/?{query}", HTTP_HOST=portal.hostname)
        assert response.status_code == 200
        assert json.loads(response.content)["page_size"] <= 100

    def test_read_only(self, client, portal, catalogue):
        assert client.post("/api/catalogue/", HTTP_HOST=portal.hostname).status_code == 405


class TestStandingPages:
    @pytest.mark.parametrize("slug", ["xxgkzn", "xxgkzd", "fdzdgknr", "xxgknb", "xxgkml"])
    def test_every_disclosure_page_renders(self, client, department, slug):
        assert client.get(f"/xxgk/{slug}/", HTTP_HOST=department.hostname).status_code == 200


class TestCachedCounts:
    def test_publishing_retires_the_counts_and_recounts_them_after_commit(
        self, portal, catalogue, publish_policy, django_capture_on_commit_callbacks
    ):
        from django.core.cache import cache

        from cms.disclosure.catalogue_query import cache_key, facets

        facets(None)
        before = cache_key("facets", None)
        with django_capture_on_commit_callbacks(execute=True):
            publish_policy(portal, "新发布的通知", when=at(2019, 8))
        assert cache_key("facets", None) != before, "the publish retired the cached counts"
        # …and the background task has already counted them again, for the cluster and the organisation.
        years = {y["label"]: y["count"] for y in cache.get(cache_key("facets", None))["years"]}
        assert years == {"2019年": 2, "2018年": 2, "2016年": 1}
        assert cache.get(cache_key("facets", portal.profile.organisation)) is not None

    def test_unpublishing_and_deleting_retire_the_counts_after_commit(
        self, portal, catalogue, django_capture_on_commit_callbacks
    ):
        from cms.disclosure.catalogue_query import facets

        def count_2016() -> int:
            return {y["label"]: y["count"] for y in facets(None)["years"]}.get("2016年", 0)

        assert count_2016() == 1
        with django_capture_on_commit_callbacks(execute=True):
            catalogue["p2016"].unpublish()
        assert count_2016() == 0
        with django_capture_on_commit_callbacks(execute=True):
            catalogue["p2018"].delete()
        assert {y["label"]: y["count"] for y in facets(None)["years"]}["2018年"] == 1

    def test_deep_pages_are_capped_with_a_note(self, client, portal, catalogue, monkeypatch):
        from cms.disclosure import catalogue_query as module

        page = column_of(portal, "zfxxgk").get_children().get(slug="xxgkml").specific
        page.page_size = 1
        with review_waived("测试数据"):
            page.save_revision().publish()
        monkeypatch.setattr(module, "MAX_PAGES", 2)
        response = client.get(f"{PORTAL_CATALOGUE}?page=4", HTTP_HOST=portal.hostname)
        assert response.context["items"].number == 2
        assert response.context["total"] == 4
        assert "仅列出前 2 页" in response.content.decode()
