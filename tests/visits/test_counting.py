"""Counting visits: every public page sends the one beacon; views and unique visitors per
site, column and page per day, in Redis, under concurrency, without bots or anything personal."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from cms.content.models import ArticlePage
from cms.disclosure.models import CataloguePage
from cms.letters.models import MailboxPage
from cms.visits import counting
from cms.visits.aggregation import aggregate
from cms.visits.models import Scope, VisitDay
from cms.visits.store import redis
from core.http import MAX_ID
from sites.models import SiteProfile, SiteStatus

from ..conftest import column_of, publish_article

HOST = "shuiyang.example.gov.cn"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def beacon(
    client, page_id: int, *, address: str = "203.0.113.7", agent: str = BROWSER, method: str = "post", **headers
):
    return getattr(client, method)(
        f"/api/views/{page_id}/", HTTP_HOST=HOST, REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **headers
    )


def figures(day=None) -> dict[tuple[str, int], tuple[int, int]]:
    day = day or timezone.localdate()
    return {(r.scope, r.page_id): (r.views, r.visitors) for r in VisitDay.objects.filter(date=day)}


@pytest.fixture
def article(township) -> ArticlePage:
    return publish_article(column_of(township, "tzgg"), "关于春季防火的通知", slug="fh")


class TestEveryPublicPageSendsTheBeacon:
    def test_home_column_article_catalogue_and_mailbox(self, client, township, article):
        root = township.root_page
        pages = [
            root,
            column_of(township, "tzgg"),
            article,
            CataloguePage.objects.descendant_of(root).live().first(),
            MailboxPage.objects.descendant_of(root).live().first(),
        ]
        assert all(pages), pages
        for page in pages:
            response = client.get(page.get_url(), HTTP_HOST=HOST)
            assert response.status_code == 200, page.url
            tag = f'<script src="/static/js/visits.js" data-beacon-url="/api/views/{page.pk}/" defer></script>'
            assert response.content.decode().count('src="/static/js/visits.js"') == 1, page.url
            assert tag in response.content.decode(), page.url
            assert beacon(client, page.pk).status_code == 200

    def test_the_page_itself_stays_cached_and_counts_nothing(self, client, article):
        assert client.get("/tzgg/fh/", HTTP_HOST=HOST)["X-Page-Cache"] == "miss"
        assert client.get("/tzgg/fh/", HTTP_HOST=HOST)["X-Page-Cache"] == "hit"
        aggregate()
        assert not VisitDay.objects.exists()


class TestWhatIsCounted:
    def test_a_view_counts_for_its_site_column_and_page(self, client, township, article):
        column = column_of(township, "tzgg")
        beacon(client, article.pk)
        beacon(client, article.pk)  # the same reader again: a view, not a visitor
        beacon(client, article.pk, address="198.51.100.2")
        beacon(client, column.pk)
        beacon(client, township.root_page.pk, agent=BROWSER + " Edg/126.0")  # same address, other browser
        aggregate()
        assert figures() == {
            (Scope.SITE, township.root_page.pk): (5, 3),
            (Scope.COLUMN, column.pk): (4, 2),
            (Scope.PAGE, article.pk): (3, 2),
            (Scope.PAGE, column.pk): (1, 1),
            (Scope.PAGE, township.root_page.pk): (1, 1),
        }
        assert set(VisitDay.objects.values_list("site_id", flat=True)) == {township.pk}

    def test_each_site_counts_apart(self, client, township, department, article):
        beacon(client, article.pk)
        other = publish_article(column_of(department, "tzgg"), "教育局通知")
        beacon(client, other.pk)
        beacon(client, other.pk, address="198.51.100.9")
        aggregate()
        assert figures()[(Scope.SITE, township.root_page.pk)] == (1, 1)
        assert figures()[(Scope.SITE, department.root_page.pk)] == (2, 2)

    @pytest.mark.parametrize(
        "agent",
        [
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
            "Mozilla/5.0 (compatible; bingbot/2.0)",
            "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 Mobile Safari/537.36 (compatible; Bytespider)",
            "curl/8.5.0",
            "python-requests/2.32",
            "",
        ],
    )
    def test_crawlers_are_answered_but_not_counted(self, client, article, agent):
        assert beacon(client, article.pk, agent=agent).json() == {"page": article.pk, "count": 0}
        aggregate()
        assert not VisitDay.objects.exists()

    def test_prefetch_prerender_get_and_head_are_not_counted(self, client, article):
        assert beacon(client, article.pk, HTTP_SEC_PURPOSE="prefetch").status_code == 200
        assert beacon(client, article.pk, HTTP_SEC_PURPOSE="prefetch;prerender").status_code == 200
        assert beacon(client, article.pk, HTTP_PURPOSE="prefetch").status_code == 200
        assert beacon(client, article.pk, method="get").status_code == 200
        assert beacon(client, article.pk, method="head").status_code == 405
        aggregate()
        assert not VisitDay.objects.exists()
        assert beacon(client, article.pk).json()["count"] == 1  # a real load still counts

    def test_drafts_and_unknown_pages_get_no_counter(self, client, township):
        draft = ArticlePage(title="草稿", slug="draft", body="<p>草稿</p>", live=False)
        column_of(township, "tzgg").add_child(instance=draft)
        assert beacon(client, draft.pk).status_code == 404
        assert beacon(client, 999_999).status_code == 404
        root = Page.objects.get(depth=1)  # the tree's root belongs to no site
        assert beacon(client, root.pk).status_code == 404
        assert not list(redis().scan_iter(match=f"{counting.prefix()}d:*"))

    @pytest.mark.parametrize("status", [SiteStatus.PREPARING, SiteStatus.CLOSED, SiteStatus.MAINTENANCE])
    def test_a_site_the_public_cannot_open_counts_nothing(self, client, township, article, status):
        SiteProfile.objects.filter(site=township).update(status=status)
        assert beacon(client, article.pk).status_code == 404
        assert beacon(client, article.pk, method="get").status_code == 404
        assert not list(redis().scan_iter(match=f"{counting.prefix()}d:*"))

    def test_a_page_unpublished_stops_counting_once_the_process_s_copy_expires(self, client, article, monkeypatch):
        assert beacon(client, article.pk).json()["count"] == 1
        article.unpublish()
        assert beacon(client, article.pk).json()["count"] == 2, "counted on the process's copy, as a proxy serves it"
        monkeypatch.setattr(counting, "FACTS_SECONDS", 0)
        counting.forget_page_facts()
        assert beacon(client, article.pk).status_code == 404

    def test_an_id_past_the_database_s_integers_is_a_404(self, client):
        assert beacon(client, MAX_ID + 1).status_code == 404


class TestTheBeaconIsCheap:
    def test_it_is_answered_before_the_page_cache_the_session_and_the_site_middleware(self):
        stack = settings.MIDDLEWARE
        beacon_at = stack.index("cms.visits.views.BeaconMiddleware")
        for later in (
            "sites.page_cache.AnonymousPageCacheMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "sites.middleware.SiteStatusMiddleware",
        ):
            assert stack.index(later) > beacon_at, later

    def test_no_query_once_the_process_holds_the_page(self, client, article, django_assert_num_queries):
        with django_assert_num_queries(1):  # the page's facts, then held by the process
            assert beacon(client, article.pk).json() == {"page": article.pk, "count": 1}
        with django_assert_num_queries(0):
            response = beacon(client, article.pk)
        assert response.json() == {"page": article.pk, "count": 2}
        assert not response.cookies, "no cookie is set or needed"
        assert "no-store" in response["Cache-Control"]


class TestNothingPersonalIsKept:
    def test_no_address_or_user_agent_reaches_redis(self, client, article):
        for n in range(5):
            beacon(client, article.pk, address=f"192.0.2.{n}", agent=f"{BROWSER} Unique/{n}")
        client_redis = redis()
        stored = []
        for key in client_redis.scan_iter(match=f"{counting.prefix()}*"):
            stored.append(key)
            kind = client_redis.type(key)
            if kind == b"hash":
                stored.extend(b"%s=%s" % pair for pair in client_redis.hgetall(key).items())
            elif kind == b"string":
                stored.append(client_redis.get(key))  # the salt and the HyperLogLogs
        blob = b"\n".join(stored)
        assert stored
        for n in range(5):
            assert f"192.0.2.{n}".encode() not in blob
            assert f"Unique/{n}".encode() not in blob
            token = counting.visitor_token(timezone.localdate(), f"192.0.2.{n}", f"{BROWSER} Unique/{n}")
            assert token.encode() not in blob  # not even the token: HyperLogLog registers only

    def test_tokens_rotate_with_the_daily_salt(self, db):
        today = timezone.localdate()
        yesterday = today - timedelta(days=1)
        first = counting.visitor_token(yesterday, "192.0.2.1", BROWSER)
        assert counting.visitor_token(yesterday, "192.0.2.1", BROWSER) == first
        assert counting.visitor_token(today, "192.0.2.1", BROWSER) != first
        assert counting.visitor_token(today, "192.0.2.2", BROWSER) != counting.visitor_token(
            today, "192.0.2.1", BROWSER
        )


@pytest.mark.usefixtures("seeded_transactional_db")
def test_concurrent_beacons_lose_no_view_and_count_each_visitor_once(township):
    """12 readers (each its own address) load two pages 10 times each, all at once, through the
    real view: no view is lost and each reader is one visitor of the day, once."""
    column = column_of(township, "tzgg")
    first = publish_article(column, "并发一")
    second = publish_article(column, "并发二")
    readers, loads = 12, 10
    barrier = threading.Barrier(readers)
    answers: list[int] = []
    errors: list[BaseException] = []

    def read(n: int) -> None:
        try:
            client = Client()
            barrier.wait()
            for _ in range(loads):
                answers.append(beacon(client, first.pk, address=f"10.0.0.{n}").json()["count"])
                beacon(client, second.pk, address=f"10.0.0.{n}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(answers) == list(range(1, readers * loads + 1))  # every 浏览次数 answer distinct
    aggregate()
    assert figures() == {
        (Scope.SITE, township.root_page.pk): (2 * readers * loads, readers),
        (Scope.COLUMN, column.pk): (2 * readers * loads, readers),
        (Scope.PAGE, first.pk): (readers * loads, readers),
        (Scope.PAGE, second.pk): (readers * loads, readers),
    }
