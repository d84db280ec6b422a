"""The article page's reader features: 浏览次数 beacon, 字号/打印 controls, QR code,
attachments, 上一篇/下一篇 and related items — and that the page stays cacheable."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import segno
from django.core.files.base import ContentFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents.models import Document

from cms.content.counters import PageViewCount
from cms.content.models import ArticleAttachment, ArticlePage
from cms.content.templatetags.article_tags import (
    QR_BORDER,
    QR_LABEL,
    QR_SCALE,
    ArticleNavigation,
    article_attachments,
    article_navigation,
    file_size_label,
    qr_cache_key,
    qr_svg,
)
from cms.content.visibility import hidden_subtrees
from cms.visits.aggregation import aggregate

from ..conftest import column_of, publish_article

HOST = "shuiyang.example.gov.cn"


def beacon(client, page_id: int, method: str = "post", **headers):
    headers.setdefault("HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0")  # no user agent: no browser
    return getattr(client, method)(f"/api/views/{page_id}/", HTTP_HOST=HOST, **headers)


def section(html: str, css_class: str) -> str:
    """The first element with ``css_class`` up to its closing tag (flat markup only)."""
    match = re.search(rf'<(\w+) class="{css_class}"[^>]*>(.*?)</\1>', html, re.DOTALL)
    assert match, f"no .{css_class} in the page"
    return match.group(2)


@pytest.fixture
def article(township) -> ArticlePage:
    when = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 30))
    return publish_article(column_of(township, "tzgg"), "关于春季防火的通知", when, source="水阳镇党政办", slug="fh")


class TestViewCountBeacon:
    def test_each_post_counts_one_view_and_answers_the_new_count(self, client, article):
        first = beacon(client, article.pk)
        second = beacon(client, article.pk)
        assert first.status_code == second.status_code == 200
        assert first.json() == {"page": article.pk, "count": 1}
        assert second.json()["count"] == 2
        aggregate()  # the job that copies the live totals to the database
        assert PageViewCount.objects.get(page_id=article.pk).count == 2

    def test_counts_are_per_page(self, client, township, article):
        other = publish_article(column_of(township, "gzdt"), "另一条信息")
        for _ in range(10):
            beacon(client, article.pk)
        beacon(client, other.pk)
        aggregate()
        assert PageViewCount.current(article.pk) == 10
        assert PageViewCount.current(other.pk) == 1

    def test_counting_writes_nothing_to_the_database(self, client, article):
        # Cheap under load: at most one read of the page (then held by the process), the
        # counting itself in Redis (cms/visits).
        with CaptureQueriesContext(connection) as captured:
            assert beacon(client, article.pk).json()["count"] == 1
            assert beacon(client, article.pk).json()["count"] == 2
        assert not [q["sql"] for q in captured if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
        assert len([q for q in captured if "wagtailcore_page" in q["sql"]]) == 1
        assert not PageViewCount.objects.exists()

    def test_the_stored_count_is_where_the_live_count_starts(self, client, article):
        PageViewCount.objects.create(page_id=article.pk, count=41)  # counted before Redis knew the page
        assert beacon(client, article.pk, "get").json()["count"] == 41
        assert beacon(client, article.pk).json()["count"] == 42

    def test_get_reads_the_count_without_counting(self, client, article):
        assert beacon(client, article.pk, "get").json()["count"] == 0
        beacon(client, article.pk)
        assert beacon(client, article.pk, "get").json()["count"] == 1
        assert beacon(client, article.pk, "get").json()["count"] == 1

    def test_needs_no_csrf_token_and_is_never_cached(self, article):
        from django.test import Client

        response = beacon(Client(enforce_csrf_checks=True), article.pk)
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"]
        assert "X-Page-Cache" not in response

    def test_obvious_bots_are_answered_but_not_counted(self, client, article):
        response = beacon(client, article.pk, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Baiduspider/2.0)")
        assert response.json()["count"] == 0
        assert beacon(client, article.pk, HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0)").json()["count"] == 1

    def test_other_methods_are_refused(self, client, article):
        assert beacon(client, article.pk, "put").status_code == 405

    def test_drafts_unpublished_pages_and_unknown_ids_are_404(self, client, township, article):
        column = column_of(township, "tzgg")
        draft = ArticlePage(title="草稿", slug="draft", body="<p>草稿</p>", live=False)
        column.add_child(instance=draft)
        withdrawn = publish_article(column, "已撤下")
        withdrawn.unpublish()
        for page_id in (draft.pk, withdrawn.pk, 999_999):
            assert beacon(client, page_id).status_code == 404, page_id
            assert beacon(client, page_id, "get").status_code == 404, page_id
        aggregate()
        assert not PageViewCount.objects.exists()

    def test_columns_and_home_pages_are_counted_without_a_view_count(self, client, township):
        # Every public page sends the beacon (visit statistics); only articles show 浏览次数.
        for page in (column_of(township, "tzgg"), township.root_page):
            assert beacon(client, page.pk).json() == {"page": page.pk}
        aggregate()
        assert not PageViewCount.objects.exists()

    def test_deleting_a_page_deletes_its_count(self, client, article):
        beacon(client, article.pk)
        article.delete()
        assert not PageViewCount.objects.exists()


def test_concurrent_first_views_lose_no_count(seeded_transactional_db, township):
    """16 readers open a never-viewed page at once, 5 times each, through the beacon: every
    view gets its own number (1..80) and none is lost, the seeding of the total included."""
    from django.test import Client

    article = publish_article(column_of(township, "tzgg"), "并发浏览")
    barrier = threading.Barrier(16)
    counts: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            client = Client()
            barrier.wait()
            counts.extend(beacon(client, article.pk).json()["count"] for _ in range(5))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(counts) == list(range(1, 81))
    aggregate()
    assert PageViewCount.current(article.pk) == 80


class TestArticlePageStaysCacheable:
    def test_reading_the_page_never_counts(self, client, article):
        for _ in range(3):
            assert client.get("/tzgg/fh/", HTTP_HOST=HOST).status_code == 200
        assert PageViewCount.current(article.pk) == 0
        assert not PageViewCount.objects.exists()

    def test_the_page_carries_the_beacon_and_a_hidden_count(self, client, article):
        html = client.get("/tzgg/fh/", HTTP_HOST=HOST).content.decode()
        assert '<span class="view-count" data-view-count hidden>' in html
        assert "浏览次数：" in html
        assert '<script src="/static/js/article.js" defer></script>' in html
        assert f'<script src="/static/js/visits.js" data-beacon-url="/api/views/{article.pk}/" defer></script>' in html

    def test_previews_are_not_counted(self, article):
        html = article.make_preview_request().content.decode()
        assert "关于春季防火的通知" in html
        assert "data-view-count" not in html
        assert "data-beacon-url" not in html

    def test_counting_does_not_evict_the_cached_page(self, client, article):
        assert client.get("/tzgg/fh/", HTTP_HOST=HOST)["X-Page-Cache"] == "miss"
        beacon(client, article.pk)
        assert client.get("/tzgg/fh/", HTTP_HOST=HOST)["X-Page-Cache"] == "hit"


class TestReadingControls:
    def test_font_size_and_print_buttons_are_hidden_until_the_script_runs(self, client, article):
        html = client.get("/tzgg/fh/", HTTP_HOST=HOST).content.decode()
        assert '<div class="article-tools" hidden>' in html
        tools = section(html, "article-tools")
        assert '<span role="group" aria-label="字号">' in tools
        assert '<button type="button" data-font-size="large" aria-pressed="false">大</button>' in tools
        assert '<button type="button" data-font-size="medium" aria-pressed="true">中</button>' in tools
        assert '<button type="button" data-font-size="small" aria-pressed="false">小</button>' in tools
        assert '<button type="button" data-print>打印</button>' in tools

    def test_print_stylesheet_is_linked_for_print_only(self, client, article):
        html = client.get("/tzgg/fh/", HTTP_HOST=HOST).content.decode()
        head = html.split("</head>")[0]
        assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in head


class TestQrCode:
    URL = f"http://{HOST}/tzgg/fh/"

    def test_page_embeds_an_svg_qr_code_of_its_full_url(self, client, article):
        assert article.full_url == self.URL
        html = client.get("/tzgg/fh/", HTTP_HOST=HOST).content.decode()
        svg = section(html, "article-qr")
        assert re.search(rf'<svg role="img" aria-label="{QR_LABEL}" width="(\d+)" height="\1" viewBox="0 0 \1 \1"', svg)
        assert f"<title>{QR_LABEL}</title>" in svg
        # The modules drawn are segno's encoding of exactly this URL.
        expected = segno.make(self.URL, error="m", micro=False).svg_inline(scale=QR_SCALE, border=QR_BORDER)
        modules = re.search(r' d="([^"]+)"', expected).group(1)
        assert f'd="{modules}"' in svg
        assert qr_svg(self.URL) in html

    def test_different_urls_give_different_codes(self, db):
        assert qr_svg(self.URL) != qr_svg(f"http://{HOST}/tzgg/other/")

    def test_svg_is_cached_per_url(self, db):
        from django.core.cache import cache

        assert cache.get(qr_cache_key(self.URL)) is None
        svg = qr_svg(self.URL)
        assert cache.get(qr_cache_key(self.URL)) == svg
        assert qr_svg(self.URL) == svg


def make_document(title: str, filename: str, size: int, *, record_size: bool = True) -> Document:
    # The admin's upload form records file_size; the page relies on it.
    return Document.objects.create(
        title=title, file=ContentFile(b"x" * size, name=filename), file_size=size if record_size else None
    )


class TestAttachments:
    @pytest.mark.parametrize(
        ("size", "label"),
        [
            (None, ""),
            (0, "0.0 KB"),
            (20, "0.1 KB"),
            (1536, "1.5 KB"),
            (1024 * 1023, "1023.0 KB"),
            (1024 * 1024 - 1, "1.0 MB"),
            (1_258_291, "1.2 MB"),
            (250 * 1024 * 1024, "250.0 MB"),
        ],
    )
    def test_file_size_labels(self, size, label):
        assert file_size_label(size) == label

    def test_attachments_show_title_type_and_size(self, client, township):
        pdf = make_document("doc-a", "fanghuo.pdf", 1536)
        docx = make_document("doc-b", "biaoge.docx", 1_258_291)
        unknown = make_document("doc-c", "shuoming.ofd", 100, record_size=False)
        publish_article(
            column_of(township, "tzgg"),
            "带附件的通知",
            slug="fj",
            attachments=[
                ArticleAttachment(document=pdf, title="防火责任书"),
                ArticleAttachment(document=docx, title="报名表"),
                ArticleAttachment(document=unknown, title="说明"),
            ],
        )
        html = client.get("/tzgg/fj/", HTTP_HOST=HOST).content.decode()
        listing = section(html, "attachments")
        assert f'<a href="{pdf.url}">防火责任书</a><span class="file-info">（PDF，1.5 KB）</span>' in listing
        assert f'<a href="{docx.url}">报名表</a><span class="file-info">（DOCX，1.2 MB）</span>' in listing
        # Size never recorded: shown without it rather than read from storage.
        assert f'<a href="{unknown.url}">说明</a><span class="file-info">（OFD）</span>' in listing
        assert listing.index("防火责任书") < listing.index("报名表") < listing.index("说明")

    def test_attachments_cost_one_query(self, township):
        docs = [make_document(f"doc{n}", f"f{n}.pdf", 2048) for n in range(4)]
        page = publish_article(
            column_of(township, "tzgg"),
            "多个附件",
            attachments=[ArticleAttachment(document=doc, title=f"附件{n}") for n, doc in enumerate(docs)],
        )
        with CaptureQueriesContext(connection) as captured:
            infos = article_attachments(page)
        assert len(captured) == 1
        assert [(info.title, info.file_type, info.size) for info in infos] == [
            (f"附件{n}", "PDF", "2.0 KB") for n in range(4)
        ]

    def test_no_attachments_no_section(self, client, article):
        assert 'class="attachments"' not in client.get("/tzgg/fh/", HTTP_HOST=HOST).content.decode()


@pytest.fixture
def column_items(township):
    """Four live items of 通知公告, oldest first, plus noise the navigation must ignore."""
    column = column_of(township, "tzgg")
    start = timezone.now() - timedelta(days=30)
    items = [publish_article(column, f"通知{n}", start + timedelta(days=n), slug=f"n{n}") for n in range(4)]
    publish_article(column_of(township, "gzdt"), "别的栏目", start + timedelta(days=1, hours=12))
    withdrawn = publish_article(column, "已撤下", start + timedelta(days=1, hours=6))
    withdrawn.unpublish()
    column.add_child(
        instance=ArticlePage(
            title="草稿",
            slug="draft",
            body="<p>草稿</p>",
            publication_date=start + timedelta(days=2, hours=6),
            live=False,
        )
    )
    return items


def titles(pages) -> list[str]:
    return [page.title for page in pages]


class TestPreviousAndNext:
    def test_middle_item_links_to_its_live_neighbours_in_the_same_column(self, column_items):
        navigation = article_navigation(column_items[1])
        assert navigation.previous.title == "通知2"  # listed above it: newer
        assert navigation.next.title == "通知0"  # listed below it: older

    def test_newest_item_has_no_previous(self, column_items):
        navigation = article_navigation(column_items[3])
        assert navigation.previous is None
        assert navigation.next.title == "通知2"

    def test_oldest_item_has_no_next(self, column_items):
        navigation = article_navigation(column_items[0])
        assert navigation.previous.title == "通知1"
        assert navigation.next is None

    def test_only_item_has_neither(self, township):
        navigation = article_navigation(publish_article(column_of(township, "xzgk"), "唯一的信息"))
        assert navigation.previous is None
        assert navigation.next is None
        assert navigation.related == []

    def test_same_publication_time_falls_back_to_id_like_the_column_list(self, township):
        column = column_of(township, "gzdt")
        when = timezone.now() - timedelta(days=1)
        first, second, third = (publish_article(column, f"同时{n}", when) for n in range(3))
        assert titles(column.items()) == ["同时2", "同时1", "同时0"]
        navigation = article_navigation(second)
        assert (navigation.previous, navigation.next) == (third, first)

    def test_a_new_page_in_preview_has_no_neighbours(self, db):
        assert article_navigation(ArticlePage(title="新建预览")) == ArticleNavigation()

    def test_rendered_pager(self, client, column_items):
        html = client.get("/tzgg/n3/", HTTP_HOST=HOST).content.decode()
        pager = section(html, "article-pager")
        assert "上一篇：没有了" in pager
        assert '下一篇：<a href="/tzgg/n2/" rel="next">通知2</a>' in pager
        pager = section(client.get("/tzgg/n0/", HTTP_HOST=HOST).content.decode(), "article-pager")
        assert '上一篇：<a href="/tzgg/n1/" rel="prev">通知1</a>' in pager
        assert "下一篇：没有了" in pager


class TestRelatedItems:
    def test_other_live_items_of_the_column_newest_first(self, column_items):
        assert titles(article_navigation(column_items[1]).related) == ["通知3", "通知2", "通知0"]

    def test_at_most_five(self, township, column_items):
        column = column_of(township, "tzgg")
        for n in range(4, 8):
            publish_article(column, f"通知{n}", timezone.now() - timedelta(days=20 - n), slug=f"n{n}")
        assert titles(article_navigation(column_items[0]).related) == ["通知7", "通知6", "通知5", "通知4", "通知3"]

    def test_rendered_list_excludes_the_page_itself(self, client, column_items):
        html = client.get("/tzgg/n1/", HTTP_HOST=HOST).content.decode()
        related = section(html, "related-items")
        assert re.findall(r'<a href="([^"]+)">', related) == ["/tzgg/n3/", "/tzgg/n2/", "/tzgg/n0/"]
        assert "别的栏目" not in related and "已撤下" not in related and "草稿" not in related


class TestQueryCounts:
    def test_navigation_and_related_take_two_queries(self, column_items):
        hidden_subtrees()  # the restricted subtrees are cached across requests
        with CaptureQueriesContext(connection) as captured:
            article_navigation(column_items[1])
        assert len(captured) == 2

    def test_article_page_queries_do_not_grow_with_attachments_or_column_size(self, client, township, settings):
        settings.PAGE_CACHE_EXEMPT_PREFIXES = ("/",)  # measure rendering, not the page cache
        column = column_of(township, "tzgg")
        start = timezone.now() - timedelta(days=40)

        def page_with(n: int, slug: str) -> str:
            for day in range(n):
                publish_article(column, f"{slug}-{day}", start + timedelta(days=day, hours=n))
            docs = [make_document(f"{slug}{k}", f"{slug}{k}.pdf", 4096) for k in range(n)]
            attachments = [ArticleAttachment(document=doc, title=doc.title) for doc in docs]
            publish_article(column, slug, start + timedelta(days=n // 2), slug=slug, attachments=attachments)
            return f"/tzgg/{slug}/"

        def queries(path: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path, HTTP_HOST=HOST).status_code == 200
            return len(captured)

        small, large = page_with(1, "small"), page_with(8, "large")
        queries(small)  # warm Wagtail's per-process caches (site root paths, content types)
        assert queries(small) == queries(large) <= 20
