"""一键推送: records, inbox decisions, aliases and copies, directions, refusals and permissions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cms.content.models import ArticlePage
from cms.syndication.errors import SyndicationError
from cms.syndication.models import ColumnPushSettings, PushDirection, PushMode, PushRecord, PushStatus
from cms.syndication.push import accept, push, reject
from sites.services import close_subsite

from ..conftest import column_of, publish_article
from .conftest import fetch

pytestmark = pytest.mark.django_db


def test_a_township_submits_up_and_the_portal_accepts_an_alias_that_shows_its_origin(
    client, portal, township, item, editor_of
):
    target = column_of(portal, "ywdt/xzdt")
    [outcome] = push(item, [target], PushMode.ALIAS, editor_of(township), note="请采用")

    record = outcome.record
    assert (record.status, record.direction, record.source_site, record.target_site) == (
        PushStatus.PENDING,
        PushDirection.UP,
        township,
        portal,
    )
    assert record.resulting_page is None, "a pending push publishes nothing in the target"
    assert not ArticlePage.objects.child_of(target).exists()

    accept(record, editor_of(portal))

    record.refresh_from_db()
    alias = record.resulting_page.specific
    assert record.status == PushStatus.ACCEPTED and record.decided_by is not None
    assert alias.alias_of_id == item.pk and alias.live
    response = fetch(client, alias)
    assert response.status_code == 200
    html = response.content.decode()
    assert "全镇干部群众参加" in html
    assert 'class="push-origin">来源：<a href="http://shuiyang.example.gov.cn/gzdt/fxyl/"' in html


def test_an_alias_follows_every_later_publish_of_the_source(client, portal, township, item, editor_of, superuser):
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    accept(record, editor_of(portal))

    item.body = "<p>演练时间调整为七月十日。</p>"
    item.save_revision(user=superuser).publish(user=superuser)

    record.refresh_from_db()
    assert "七月十日" in fetch(client, record.resulting_page).content.decode()


def test_a_copy_is_the_targets_own_page_linked_to_its_source(client, portal, township, item, editor_of, superuser):
    record = push(item, [column_of(portal, "tzgg")], PushMode.COPY, editor_of(township))[0].record
    accept(record, editor_of(portal))

    record.refresh_from_db()
    copy = record.resulting_page.specific
    assert copy.alias_of_id is None and copy.live
    assert copy.in_catalogue is False, "the catalogue entry (索引号) stays with the original"
    copy.title = "【转载】" + copy.title
    copy.save_revision(user=superuser).publish(user=superuser)
    item.refresh_from_db()
    assert item.title == "水阳镇开展防汛应急演练"
    assert "来源：" in fetch(client, copy).content.decode()


def test_the_portal_pushes_down_to_chosen_townships_and_departments(portal, township, department, editor_of):
    notice = publish_article(column_of(portal, "tzgg"), "关于做好防汛工作的通知", slug="fx")
    outcomes = push(
        notice, [column_of(township, "tzgg"), column_of(department, "tzgg")], PushMode.ALIAS, editor_of(portal)
    )

    assert [o.record.direction for o in outcomes] == [PushDirection.DOWN, PushDirection.DOWN]
    assert all(o.record.status == PushStatus.PENDING for o in outcomes)


def test_a_push_across_between_two_departments(department, department2, editor_of):
    item = publish_article(column_of(department, "gzdt"), "教育局与卫健委联合开展体检", slug="tj")
    [outcome] = push(item, [column_of(department2, "gzdt")], PushMode.COPY, editor_of(department))
    assert outcome.record.direction == PushDirection.ACROSS


def test_a_column_that_auto_accepts_a_source_site_publishes_at_once(client, portal, township, item, editor_of):
    target = column_of(township, "tzgg")
    settings = ColumnPushSettings.objects.create(column=target)
    settings.auto_accept_from.add(portal)
    notice = publish_article(column_of(portal, "tzgg"), "关于做好防汛工作的通知", slug="fx")

    [outcome] = push(notice, [target], PushMode.ALIAS, editor_of(portal))

    assert outcome.record.status == PushStatus.ACCEPTED and outcome.record.auto_accepted
    assert fetch(client, outcome.record.resulting_page).status_code == 200
    assert "已自动采用" in outcome.summary


def test_pushing_the_same_item_twice_to_the_same_column_is_refused(portal, township, item, editor_of):
    editor = editor_of(township)
    target = column_of(portal, "ywdt/xzdt")
    push(item, [target], PushMode.ALIAS, editor)

    with pytest.raises(SyndicationError, match="已推送到该栏目，不能重复推送"):
        push(item, [target], PushMode.COPY, editor)
    assert PushRecord.objects.filter(source=item).count() == 1


def test_a_rejected_push_may_be_sent_again(portal, township, item, editor_of):
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    reject(record, editor_of(portal), "内容与本栏目定位不符")
    record.refresh_from_db()
    assert (record.status, record.reason) == (PushStatus.REJECTED, "内容与本栏目定位不符")

    again = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township, "editor"))
    assert again[0].record.status == PushStatus.PENDING


def test_refused_targets_are_reported_one_by_one_and_the_others_go_through(
    portal, township, department, item, editor_of
):
    closed = column_of(portal, "hdjl")
    ColumnPushSettings.objects.create(column=closed, accepts_pushes=False)
    outcomes = push(
        item,
        [column_of(portal, "tzgg"), closed, column_of(township, "tzgg"), portal.root_page],
        PushMode.ALIAS,
        editor_of(township),
    )
    assert [o.ok for o in outcomes] == [True, False, False, False]
    assert outcomes[1].refused == "该栏目不接收推送。"
    assert outcomes[2].refused == "不能推送到本网站的栏目。"
    assert "不是栏目" in outcomes[3].refused


def test_an_editor_cannot_push_into_a_column_outside_the_allowed_targets(portal, township, department, item, editor_of):
    close_subsite(department, notice="本站已整合至区政府门户网站。")
    no_pushes = column_of(portal, "hdjl")
    ColumnPushSettings.objects.create(column=no_pushes, accepts_pushes=False)

    with pytest.raises(SyndicationError) as refused:
        push(item, [column_of(department, "tzgg"), no_pushes], PushMode.ALIAS, editor_of(township))
    assert "已关停" in str(refused.value) and "该栏目不接收推送" in str(refused.value)
    assert not PushRecord.objects.exists()


def test_an_editor_cannot_push_another_sites_item(portal, township, department, item, editor_of):
    with pytest.raises(PermissionDenied):
        push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(department))
    assert not PushRecord.objects.exists()


def test_only_the_target_sites_editors_accept_or_reject(portal, township, department, item, editor_of):
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record

    for outsider in (editor_of(township), editor_of(department)):
        with pytest.raises(PermissionDenied):
            accept(record, outsider)
        with pytest.raises(PermissionDenied):
            reject(record, outsider, "不采用")
    record.refresh_from_db()
    assert record.status == PushStatus.PENDING


def test_reject_needs_a_reason_and_a_decided_push_cannot_be_decided_again(portal, township, item, editor_of):
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    with pytest.raises(SyndicationError, match="请填写退回理由"):
        reject(record, editor_of(portal), "  ")
    accept(record, editor_of(portal))
    with pytest.raises(SyndicationError, match="已采用"):
        accept(record, editor_of(portal, "editor"))


def test_a_draft_cannot_be_pushed(portal, township, editor_of):
    from cms.content.models import ArticlePage

    draft = ArticlePage(title="草稿", slug="draft", body="<p>草稿</p>", live=False)
    column_of(township, "gzdt").add_child(instance=draft)
    with pytest.raises(SyndicationError, match="尚未发布"):
        push(draft, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))


def test_an_alias_slug_that_is_taken_in_the_target_gets_a_free_one(portal, township, item, editor_of):
    publish_article(column_of(portal, "tzgg"), "同名", slug="fxyl")
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    accept(record, editor_of(portal))
    record.refresh_from_db()
    assert record.resulting_page.slug == "fxyl-2"


def test_accepting_publishes_so_a_plain_editor_of_the_target_may_reject_but_not_accept(
    portal, township, item, editor_of
):
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    with pytest.raises(PermissionDenied, match="审核"):
        accept(record, editor_of(portal, "editor"))
    reject(record, editor_of(portal, "editor"), "重复信息")
    record.refresh_from_db()
    assert record.status == PushStatus.REJECTED


@pytest.mark.parametrize("mode", [PushMode.ALIAS, PushMode.COPY])
def test_an_accepted_page_shows_one_source_line_linked_to_the_original(client, portal, township, editor_of, mode):
    item = publish_article(column_of(township, "gzdt"), "水阳镇召开安全生产会议", slug="aqsc", source="水阳镇安监站")
    assert fetch(client, item).content.decode().count("来源：") == 1  # the item's own 来源 on its own site

    record = push(item, [column_of(portal, "tzgg")], mode, editor_of(township))[0].record
    accept(record, editor_of(portal))
    record.refresh_from_db()
    html = fetch(client, record.resulting_page).content.decode()
    assert html.count("来源：") == 1
    assert f'<span class="push-origin">来源：<a href="{item.full_url}">' in html
