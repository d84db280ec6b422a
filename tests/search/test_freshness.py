"""The index follows the page tree: publish, unpublish, move, delete, new sites.

Indexing runs in a background task after the change commits (cms/tasks.py), so
each change here runs inside ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import pytest

from core.publishing import review_waived
from search.models import SearchEntry

from ..conftest import column_of, publish_article
from .conftest import found

pytestmark = pytest.mark.django_db


def test_a_published_item_is_found(township, committed):
    page = committed(lambda: publish_article(column_of(township, "gzdt"), "水阳镇防汛抗旱工作会议召开"))
    assert found("防汛抗旱") == [page.pk]


def test_a_republished_item_is_found_by_its_new_words(township, committed):
    page = committed(lambda: publish_article(column_of(township, "gzdt"), "水阳镇防汛抗旱工作会议召开"))
    page.title = "水阳镇秋收工作会议召开"
    page.body = "<p>部署秋收工作。</p>"

    def republish():
        with review_waived("测试数据"):
            page.save_revision().publish()

    committed(republish)
    assert found("秋收") == [page.pk]
    assert found("防汛抗旱") == []


def test_an_unpublished_item_is_gone(township, committed):
    page = committed(lambda: publish_article(column_of(township, "gzdt"), "水阳镇防汛抗旱工作会议召开"))
    committed(page.unpublish)
    assert found("防汛抗旱") == []


def test_a_deleted_item_is_gone(township, committed):
    page = committed(lambda: publish_article(column_of(township, "gzdt"), "水阳镇防汛抗旱工作会议召开"))
    committed(page.delete)
    assert found("防汛抗旱") == []
    assert not SearchEntry.objects.filter(page_id=page.pk).exists()


def test_a_moved_item_gets_its_new_url_and_column(township, committed):
    page = committed(lambda: publish_article(column_of(township, "gzdt"), "水阳镇防汛抗旱工作会议召开"))
    notices = column_of(township, "tzgg")
    with review_waived("测试数据"):  # seeded content: no workflow approved it for 通知公告
        committed(lambda: page.move(notices, pos="last-child"))
    entry = SearchEntry.objects.get(page_id=page.pk)
    assert entry.url == f"http://{township.hostname}/tzgg/{page.slug}/"
    assert entry.column_path == "通知公告"


def test_a_new_site_has_its_columns_indexed(make_site, committed):
    site = committed(lambda: make_site("lq.example.gov.cn", "township", name="狸桥镇人民政府"))
    assert SearchEntry.objects.filter(site=site, title="通知公告", content_type="column").exists()


def test_only_public_pages_are_indexed(township, committed):
    from wagtail.models import PageViewRestriction

    column = column_of(township, "gzdt")
    PageViewRestriction.objects.create(page=column, restriction_type=PageViewRestriction.LOGIN)
    committed(lambda: publish_article(column, "内部工作安排不公开"))
    assert found("内部工作安排") == []


@pytest.mark.parametrize("kind", ["withdrawn", "gone", "vanish"])
def test_a_taken_down_item_is_gone_and_a_restored_one_is_back(township, superuser, committed, kind):
    from cms.syndication.takedown import restore, take_down

    page = committed(lambda: publish_article(column_of(township, "gzdt"), "水阳镇防汛抗旱工作会议召开"))
    committed(lambda: take_down(page, kind, "内容有误，撤回核实。", superuser))
    assert found("防汛抗旱") == []
    committed(lambda: restore(page, superuser, "核实无误，恢复发布。"))
    assert found("防汛抗旱") == [page.pk]
