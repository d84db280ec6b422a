"""Search follows view restrictions: a restricted page (or one under a restricted column,
or an alias of one) is not in the index, its snippet is shown nowhere, and adding or
removing a restriction updates the index once the change commits."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from core.publishing import review_waived
from search.models import SearchEntry

from ..conftest import column_of, publish_article
from .conftest import found

pytestmark = pytest.mark.django_db

TITLE = "水阳镇防汛抗旱工作会议召开"


def restrict(page, kind: str = PageViewRestriction.PASSWORD) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password="secret")


def test_restricting_an_indexed_item_removes_it_and_lifting_it_brings_it_back(township, committed):
    page = committed(lambda: publish_article(column_of(township, "gzdt"), TITLE))
    restriction = committed(lambda: restrict(page))
    assert found("防汛抗旱") == []
    assert not SearchEntry.objects.filter(page_id=page.pk).exists()
    committed(restriction.delete)
    assert found("防汛抗旱") == [page.pk]


def test_restricting_a_column_removes_the_column_and_its_items(township, committed):
    column = column_of(township, "gzdt")
    page = committed(lambda: publish_article(column, TITLE))
    committed(lambda: restrict(column, PageViewRestriction.LOGIN))
    assert not SearchEntry.objects.filter(page_id__in=[page.pk, column.pk]).exists()


def test_an_alias_of_a_restricted_item_is_not_indexed(portal, township, committed):
    page = committed(lambda: publish_article(column_of(township, "gzdt"), TITLE))
    committed(lambda: restrict(page))
    with review_waived("测试数据"):  # seeded content: the review rule has its own tests
        alias = committed(lambda: page.create_alias(parent=column_of(portal, "ywdt/xzdt")))
    assert not SearchEntry.objects.filter(page_id__in=[page.pk, alias.pk]).exists()


def test_the_search_page_shows_no_restricted_item_nor_its_snippet(client, township, committed):
    page = committed(lambda: publish_article(column_of(township, "gzdt"), TITLE, body="<p>防汛抗旱物资清单。</p>"))
    committed(lambda: restrict(page))
    text = client.get("/search/", {"q": "防汛抗旱"}, HTTP_HOST=township.hostname).content.decode()
    assert "防汛抗旱工作会议" not in text
    assert "物资清单" not in text


def test_an_index_number_of_a_restricted_item_does_not_lead_to_it(client, department, publish_corpus, committed):
    page = committed(lambda: publish_corpus(department, "国务院关于加快推进全国一体化在线政务服务平台", "zcwj"))
    committed(lambda: restrict(page))
    for query in ({"index_number": page.index_number.value}, {"q": page.document_number}):
        response = client.get("/search/", query, HTTP_HOST=department.hostname)
        assert response.status_code == 200
        assert page.title not in response.content.decode()
