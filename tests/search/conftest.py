"""Fixtures for search tests: a small cluster holding real corpus texts (demo/articles.json)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, Site

from cms.disclosure.models import PolicyDocumentPage, Topic
from core.publishing import review_waived
from search import services
from search.analysis import parse_query
from search.backends import get_backend
from search.backends.base import SearchQuery

from ..conftest import column_of, layer_value, publish_article, shared_layer

ARTICLES = json.loads((Path(__file__).parents[2] / "demo/articles.json").read_text(encoding="utf-8"))["articles"]


def corpus_article(title_start: str) -> dict:
    return next(a for a in ARTICLES if a["title"].startswith(title_start))


def body_html(article: dict) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in article["paragraphs"])


def publish_corpus_article(site, title_start: str, column: str = "gzdt", **fields):
    """Publish a corpus article into a site's column (a policy document with catalogue metadata in zcwj)."""
    article = corpus_article(title_start)
    when = timezone.make_aware(datetime.strptime(article["published"], "%Y-%m-%d %H:%M"))
    if column == "zcwj":
        page = PolicyDocumentPage(
            title=article["title"],
            slug=f"p{PolicyDocumentPage.objects.count() + 1}",
            publication_date=when,
            body=body_html(article),
            issuing_organisation=site.profile.organisation,
            topic=fields.pop("topic", Topic.objects.get(parent=None, name="综合政务")),
            genre=fields.pop("genre", "意见"),
            date_formed=timezone.localtime(when).date(),
            disclosure_term="long_term",
            document_number=article["document_number"],
            summary=article["paragraphs"][0][:200],
            live=False,
            **fields,
        )
        column_of(site, column).add_child(instance=page)
        with review_waived("测试数据"):  # seeded content, as publish_article seeds it
            page.save_revision().publish()
        page.refresh_from_db()
        return page
    return publish_article(column_of(site, column), article["title"], when=when, body=body_html(article), **fields)


@pytest.fixture
def publish_corpus(db):
    """Publish a corpus article into a site's column (a policy document with catalogue metadata in zcwj)."""
    return publish_corpus_article


def _build_corpus_cluster() -> dict[str, int]:
    portal, township, department = (
        Site.objects.get(hostname=hostname)
        for hostname in ("www.example.gov.cn", "shuiyang.example.gov.cn", "jyj.example.gov.cn")
    )
    publish = publish_corpus_article
    pages = {
        "portal_policy": publish(portal, "国务院关于加快推进全国一体化在线政务服务平台", "zcwj"),
        "portal_policy_2": publish(portal, "国务院关于加快推进“互联网+政务服务”工作的指导意见", "zcwj"),
        "portal_notice": publish(portal, "促进电子政务协调发展实施方案", "tzgg"),
        "township_traditional": publish(township, "2022年區委網站建管方案", "tzgg"),
        "township_news": publish(township, "行政审批制度改革工作重点"),
        "department_news": publish(department, "电子政务网建设及应用推广实施方案"),
        "department_notice": publish(department, "组织领导", "tzgg"),
    }
    services.rebuild_index()
    return {key: page.pk for key, page in pages.items()}


@pytest.fixture
@shared_layer(_build_corpus_cluster)
def corpus_cluster(portal, township, department, publish_corpus, request):
    """Portal, a township and a department with real texts, indexed (a shared layer: built once)."""
    return {key: Page.objects.get(pk=pk).specific for key, pk in layer_value(request, _build_corpus_cluster).items()}


def found(text: str) -> list[int]:
    return [hit.page_id for hit in get_backend().search(SearchQuery(parsed=parse_query(text))).hits]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and the tasks its commit would start."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run
