"""Pushed items in search: found on the target site as soon as they are accepted, listed
once across the cluster with 另见于, opened by their 发文字号 in any bracket."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.syndication.models import PushMode
from cms.syndication.push import accept, push
from core.cache import Scope, invalidate
from search import services
from search.analysis import parse_query
from search.backends.base import SearchQuery
from sites.models import SiteType

from ..conftest import column_of, publish_article

pytestmark = pytest.mark.django_db

TITLE = "促进电子政务协调发展实施方案"


def search(text: str, *sites) -> services.SearchOutcome:
    site_ids = tuple(site.pk for site in sites) or tuple(services.open_site_ids())
    return services.run_search(
        SearchQuery(parsed=parse_query(text), site_ids=site_ids), cluster_site_ids=tuple(services.open_site_ids())
    )


def pushed(source, targets: list, mode: str, user, committed):
    """Push ``source`` to each site's 通知公告 and accept it there, through the real actions."""
    outcomes = committed(lambda: push(source, [column_of(site, "tzgg") for site in targets], mode, user))
    return [committed(lambda o=o: accept(o.record, user)).resulting_page for o in outcomes]


@pytest.fixture
def townships(township, make_site):
    return [
        township,
        make_site("liqiao.example.gov.cn", SiteType.TOWNSHIP, name="黎桥镇人民政府"),
        make_site("chengjiang.example.gov.cn", SiteType.TOWNSHIP, name="澄江街道办事处"),
    ]


@pytest.mark.parametrize("mode", [PushMode.COPY, PushMode.ALIAS])
def test_an_accepted_push_is_found_on_the_target_site_at_once(mode, portal, township, superuser, committed):
    source = committed(lambda: publish_article(column_of(township, "gzdt"), "水阳镇防汛抗旱工作会议召开"))
    [outcome] = committed(lambda: push(source, [column_of(portal, "ywdt/xzdt")], mode, superuser))
    record = committed(lambda: accept(outcome.record, superuser))
    assert [hit.page_id for hit in search("防汛抗旱", portal).results.hits] == [record.resulting_page_id]


def test_copies_and_aliases_collapse_into_the_original_across_the_cluster(portal, townships, superuser, committed):
    source = committed(lambda: publish_article(column_of(portal, "tzgg"), TITLE))
    aliases = pushed(source, townships[:2], PushMode.ALIAS, superuser, committed)
    [copy] = pushed(source, townships[2:], PushMode.COPY, superuser, committed)

    results = search(TITLE).results
    assert [hit.page_id for hit in results.hits] == [source.pk]
    assert results.total == 1
    # A facet value counts what selecting it lists: the item once in each site carrying it.
    assert sorted(results.facets["site"]) == sorted((site.pk, 1) for site in [portal, *townships])
    also_in = services.also_in(results.hits, services.open_site_ids())[source.pk]
    assert sorted(c.page_id for c in also_in) == sorted(page.pk for page in [*aliases, copy])

    # In one carrying site its own page is the hit; the others are 另见于.
    in_township = search(TITLE, townships[2]).results
    assert [hit.page_id for hit in in_township.hits] == [copy.pk]
    also_in = services.also_in(in_township.hits, services.open_site_ids())[copy.pk]
    assert sorted(c.site_id for c in also_in) == sorted(site.pk for site in [portal, *townships[:2]])


def test_the_results_page_names_the_other_sites(client, portal, townships, superuser, committed):
    source = committed(lambda: publish_article(column_of(portal, "tzgg"), TITLE))
    aliases = pushed(source, townships, PushMode.ALIAS, superuser, committed)
    response = client.get("/search/", {"q": TITLE, "scope": "all"}, HTTP_HOST=portal.hostname)
    html = response.content.decode()
    assert "共找到 1 条结果" in html
    assert html.count(f'<a href="{source.full_url}">') == 1
    assert "另见于 3 个网站" in html
    for alias, site in zip(aliases, townships, strict=True):
        assert f'<a href="{alias.full_url}">{site.site_name}</a>' in html


def test_a_search_costs_the_same_queries_however_many_copies(client, portal, townships, superuser, committed):
    source = committed(lambda: publish_article(column_of(portal, "tzgg"), TITLE))

    def queries() -> int:
        invalidate(Scope.PAGES)  # the page cache would answer from memory
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search/", {"q": TITLE, "scope": "all"}, HTTP_HOST=portal.hostname)
        assert response.status_code == 200
        return len(captured)

    pushed(source, townships[:1], PushMode.ALIAS, superuser, committed)
    queries()  # warm per-process caches
    one = queries()
    pushed(source, townships[1:], PushMode.COPY, superuser, committed)
    assert queries() == one


def test_every_word_in_the_cluster_but_none_in_the_site_sends_the_reader_to_the_cluster(portal, township, committed):
    committed(lambda: publish_article(column_of(portal, "tzgg"), "全区防汛工作会议召开"))
    committed(lambda: publish_article(column_of(township, "gzdt"), "水阳镇检查防汛物资储备"))
    in_site, in_cluster = search("防汛 会议", township), search("防汛 会议")
    # Widening to any word listed the township's weaker match for 本站 while 全站群 had
    # the one item with both words: more results in the narrower scope.
    assert (in_site.results.total, in_site.widened, in_site.cluster_total) == (0, False, 1)
    assert (in_cluster.results.total, in_cluster.widened) == (1, False)
    # With no item anywhere holding both words, the site still widens to any word.
    widened = search("防汛 秋收", township)
    assert widened.widened and widened.results.total == 1


@pytest.mark.parametrize("typed", ["国发【2018】27号", "国发〖2018〗27号", "国发［2018］27号", "国发 [2018] 27号"])
def test_a_document_number_opens_its_item_in_any_square_bracket(typed, client, portal, publish_corpus):
    policy = publish_corpus(portal, "国务院关于加快推进全国一体化在线政务服务平台", "zcwj")
    assert policy.document_number == "国发〔2018〕27号"
    response = client.get("/search/", {"q": typed}, HTTP_HOST=portal.hostname)
    assert (response.status_code, response["Location"]) == (302, policy.url)


def test_a_pushed_item_opens_at_its_original_by_its_document_number(
    client, portal, townships, superuser, committed, publish_corpus
):
    policy = committed(lambda: publish_corpus(portal, "国务院关于加快推进全国一体化在线政务服务平台", "zcwj"))
    pushed(policy, townships[:1], PushMode.ALIAS, superuser, committed)
    pushed(policy, townships[1:2], PushMode.COPY, superuser, committed)
    response = client.get("/search/", {"q": "国发【2018】27号"}, HTTP_HOST=townships[0].hostname)
    assert (response.status_code, response["Location"]) == (302, policy.full_url)
