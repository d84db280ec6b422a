"""The public search page: words, numbers, scope, facets, and any input at all."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from search import services
from sites.services import close_subsite

pytestmark = pytest.mark.django_db


def get(client, on_site, path="/search/", **params):
    return client.get(path, params, HTTP_HOST=on_site.hostname)


class TestFindingByWords:
    def test_a_few_words_from_a_body_find_that_document_first(self, client, portal, corpus_cluster):
        response = get(client, portal, q="全国一体化 在线政务服务", scope="all")
        assert response.status_code == 200
        assert response.context["hits"][0]["url"].endswith(corpus_cluster["portal_policy"].url_path.split("/", 2)[2])

    def test_a_traditional_character_query_finds_the_text(self, client, township, corpus_cluster):
        response = get(client, township, q="网站建管")
        assert response.context["hits"][0]["url"].endswith(corpus_cluster["township_traditional"].slug + "/")

    def test_matched_words_are_marked_in_titles_and_snippets(self, client, portal, corpus_cluster):
        content = get(client, portal, q="电子政务", scope="all").content.decode()
        assert "<mark>电子政务</mark>" in content

    def test_results_name_their_site_column_date_and_numbers(self, client, portal, corpus_cluster):
        hit = get(client, portal, q="全国一体化在线政务服务平台", scope="all").context["hits"][0]
        assert hit["site_name"] == "宣州区人民政府"
        assert hit["column_path"] == "政策文件"
        assert hit["document_number"] == "国发〔2018〕27号"
        assert hit["index_number"] == corpus_cluster["portal_policy"].index_number.value


class TestScope:
    def test_a_subsite_searches_itself_by_default(self, client, department, corpus_cluster):
        response = get(client, department, q="电子政务")
        assert response.context["params"].scope == "site"
        assert {hit["site_name"] for hit in response.context["hits"]} == {"宣州区教育局"}

    def test_the_whole_cluster_on_request(self, client, department, corpus_cluster):
        response = get(client, department, q="电子政务", scope="all")
        assert {hit["site_name"] for hit in response.context["hits"]} >= {"宣州区教育局", "宣州区人民政府"}

    def test_the_portal_searches_the_whole_cluster_by_default(self, client, portal, corpus_cluster):
        assert get(client, portal, q="电子政务").context["params"].scope == "all"

    def test_closed_sites_are_left_out(self, client, portal, department, corpus_cluster):
        close_subsite(department, notice="本站已整合至区政府门户网站。")
        response = get(client, portal, q="电子政务推广", scope="all")
        assert "宣州区教育局" not in {hit["site_name"] for hit in response.context["hits"]}


class TestExactNumbers:
    def test_an_index_number_opens_the_item(self, client, portal, department, corpus_cluster):
        policy = corpus_cluster["portal_policy"]
        response = get(client, department, q=policy.index_number.value)
        assert response.status_code == 302
        assert response["Location"].endswith(policy.url_path.split("/", 2)[2])

    @pytest.mark.parametrize(
        "written", ["国发〔2018〕27号", "国发[2018]27号", "国发［2018］27号", " 国发 [2018] 27号 "]
    )
    def test_a_document_number_in_any_bracket_form_opens_the_item(self, client, portal, corpus_cluster, written):
        response = get(client, portal, q=written)
        assert response.status_code == 302
        assert response["Location"].endswith(corpus_cluster["portal_policy"].slug + "/")

    def test_the_catalogue_form_fields_open_the_item(self, client, portal, corpus_cluster):
        response = get(client, portal, catalogue="1", document_number="国发[2016]55号")
        assert response.status_code == 302

    def test_an_unknown_number_says_so(self, client, portal, corpus_cluster):
        response = get(client, portal, catalogue="1", index_number="000000000/1999-99999")
        assert response.status_code == 200
        assert "没有找到索引号为“000000000/1999-99999”的已发布信息" in response.content.decode()


class TestFacets:
    def test_facets_link_to_narrower_results_and_active_filters_can_be_removed(self, client, portal, corpus_cluster):
        response = get(client, portal, q="政务", scope="all")
        groups = {group["heading"]: group["entries"] for group in response.context["facets"]}
        assert {"网站", "发布机构", "信息类型", "年份"} <= set(groups)
        township = next(entry for entry in groups["网站"] if entry["label"] == "水阳镇人民政府")
        narrowed = client.get("/search/" + township["url"], HTTP_HOST=portal.hostname)
        assert {hit["site_name"] for hit in narrowed.context["hits"]} == {"水阳镇人民政府"}
        assert narrowed.context["total"] == township["count"]
        [active] = narrowed.context["active_filters"]
        assert active["label"] == "网站：水阳镇人民政府"
        widened = client.get("/search/" + active["remove"], HTTP_HOST=portal.hostname)
        assert f"共找到 {response.context['total']} 条结果" in widened.content.decode()  # (from the page cache)

    def test_a_top_level_topic_covers_its_sub_topics(self, client, portal, publish_corpus):
        from cms.disclosure.models import Topic

        parent = Topic.objects.get(parent=None, name="综合政务")
        child = Topic.objects.create(name="政务公开", parent=parent)
        publish_corpus(portal, "国务院关于加快推进全国一体化在线政务服务平台", "zcwj", topic=child)
        services.rebuild_index()
        assert get(client, portal, q="政务", topic=parent.pk).context["total"] == 1

    def test_catalogue_only_search(self, client, portal, corpus_cluster):
        response = get(client, portal, q="政务", catalogue="1")
        assert response.context["total"] == 2
        assert {hit["type_label"] for hit in response.context["hits"]} == {"政策文件"}


class TestZeroResults:
    def test_the_page_shows_how_the_query_was_understood_and_how_to_widen_it(self, client, department, corpus_cluster):
        content = get(client, department, q="一网通办量子纠缠").content.decode()
        assert "没有找到与“一网通办量子纠缠”相关的信息" in content
        assert "一网通办 / 量子 / 纠缠" in content
        assert "在全站群中搜索" in content

    def test_when_all_words_together_find_nothing_any_word_is_tried(self, client, portal, corpus_cluster):
        response = get(client, portal, q="电子政务 量子计算", scope="all")
        assert response.context["widened"] and response.context["total"] > 0
        assert "以下是包含其中部分关键词的结果" in response.content.decode()


BAD_QUERIES = [
    {"q": ""},
    {"q": "   "},
    {"q": "政" * 300},
    {"q": '" * : & | ! ( ) [ ] { } ^ ~ \\'},
    {"q": "网站 AND (政务 OR"},
    {"q": "'; DROP TABLE search_searchentry; --"},
    {"q": "1' OR '1'='1"},
    {"q": "<script>alert(1)</script>"},
    {"q": "政务", "page": "abc"},
    {"q": "政务", "page": "-3"},
    {"q": "政务", "page": "999999999999999999999"},
    {"q": "政务", "org": "x", "topic": "1.5", "site": "-1", "year": "99999", "genre": "未知", "validity": "<b>"},
    {"q": "政务", "type": "nonsense", "sort": "random", "scope": "mars"},
    {"q": "政务", "from": "2024-13-45", "to": "yesterday"},
    {"q": "\x00政务"},
]


@pytest.mark.parametrize("params", BAD_QUERIES)
def test_bad_input_gets_a_normal_page(client, portal, corpus_cluster, params):
    response = get(client, portal, **params)
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_an_empty_query_shows_the_help_not_every_page(client, portal, corpus_cluster):
    response = get(client, portal, q="")
    assert "searched" not in response.context
    assert "输入关键词搜索" in response.content.decode()


class TestEverySite:
    @pytest.mark.parametrize("fixture", ["portal", "township"])
    def test_the_header_of_every_theme_has_a_search_box(self, client, request, fixture):
        site = request.getfixturevalue(fixture)
        content = client.get("/", HTTP_HOST=site.hostname).content.decode()
        assert 'action="/search/"' in content and 'name="q"' in content

    def test_catalogue_pages_have_the_advanced_search_form(self, client, portal, corpus_cluster):
        content = client.get("/zfxxgk/xxgkml/", HTTP_HOST=portal.hostname).content.decode()
        for field in ('name="index_number"', 'name="document_number"', 'name="org"', 'name="topic"', 'name="genre"'):
            assert field in content
        assert 'name="year"' in content and 'name="validity"' in content


def test_rebuild_command_reports_what_it_indexed(portal, corpus_cluster, capsys):
    call_command("rebuild_search_index", verbosity=0)
    assert f"索引重建完成：{services.count_indexable()} 个页面" in capsys.readouterr().out


@pytest.mark.parametrize("fixture", ["portal", "township"])
def test_the_header_box_names_the_scope_its_search_covers(client, request, fixture):
    site = request.getfixturevalue(fixture)
    header = client.get("/", HTTP_HOST=site.hostname).content.decode()
    searched = get(client, site, q="政务").context["params"].scope  # what the box's query gets
    placeholder = {"all": "搜索全站群信息", "site": "搜索本站信息"}[searched]
    assert f'placeholder="{placeholder}"' in header
    assert searched == ("all" if fixture == "portal" else "site")


def test_a_page_past_the_end_goes_to_the_last_page(client, portal, corpus_cluster):
    first = get(client, portal, q="政务", scope="all")
    last, total = first.context["page_count"], first.context["total"]
    assert total > 0

    response = get(client, portal, q="政务", scope="all", page=last + 5)
    assert response.status_code == 302
    landed = client.get(response["Location"], HTTP_HOST=portal.hostname).content.decode()
    assert f"共找到 {total} 条结果" in landed and "没有找到" not in landed
    assert last == 1 or f"第 {last} 页 / 共 {last} 页" in landed
