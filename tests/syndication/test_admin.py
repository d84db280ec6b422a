"""The admin screens: thin views over the services, Chinese messages, never a 500."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cms.syndication.models import PushMode, PushRecord, PushStatus, Takedown, TakedownKind
from cms.syndication.push import push

from ..conftest import column_of, publish_article
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_push_form_with_the_all_townships_shortcut_shows_a_result_per_target(
    client, portal, township, make_site, editor_of
):
    other = make_site("liqiao.example.gov.cn", "township", name="狸桥镇人民政府")
    notice = publish_article(column_of(portal, "tzgg"), "关于做好防汛工作的通知", slug="fx")
    login(client, editor_of(portal))
    url = reverse("syndication:push", args=[notice.pk])

    page = client.get(url)
    assert page.status_code == 200 and "所有乡镇/街道" in page.content.decode()
    response = client.post(url, {"all_townships": "on", "shortcut_type": "notice", "mode": PushMode.ALIAS, "note": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "水阳镇人民政府 · 通知公告：已推送，等待对方采用" in html
    assert "狸桥镇人民政府 · 通知公告：已推送，等待对方采用" in html
    assert set(PushRecord.objects.values_list("target_column", flat=True)) == {
        column_of(township, "tzgg").pk,
        column_of(other, "tzgg").pk,
    }


def test_pushing_twice_from_the_form_shows_the_refusal(client, portal, township, item, editor_of):
    login(client, editor_of(township))
    url = reverse("syndication:push", args=[item.pk])
    data = {"targets": [column_of(portal, "tzgg").pk], "mode": PushMode.COPY, "shortcut_type": "notice"}
    client.post(url, data)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "不能重复推送" in response.content.decode()


def test_an_editor_cannot_open_push_or_takedown_for_another_sites_item(client, department, item, editor_of):
    login(client, editor_of(department))
    for name in ("syndication:push", "syndication:takedown"):
        response = client.get(reverse(name, args=[item.pk]))
        assert response.status_code in (302, 403)
    assert not PushRecord.objects.exists()


def test_takedown_previews_every_affected_page_then_reports_the_result(client, portal, township, item, editor_of):
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    from cms.syndication.push import accept

    accept(record, editor_of(portal))
    login(client, editor_of(township))
    url = reverse("syndication:takedown", args=[item.pk])

    preview = client.get(url).content.decode()
    assert "将受影响的页面（2 个）" in preview
    assert "宣州区人民政府：水阳镇开展防汛应急演练（引用）" in preview

    missing_reason = client.post(url, {"kind": TakedownKind.GONE, "reason": "", "confirm": "1"})
    assert missing_reason.status_code == 200 and not Takedown.objects.exists()

    done = client.post(url, {"kind": TakedownKind.WITHDRAWN, "reason": "信息有误", "confirm": "1"}).content.decode()
    assert "涉及 2 个网站的 2 个页面" in done
    assert Takedown.objects.get().reason == "信息有误"


def test_redirect_without_a_target_is_a_clear_message_not_a_500(client, township, item, editor_of):
    login(client, editor_of(township))
    response = client.post(
        reverse("syndication:takedown", args=[item.pk]), {"kind": "redirect", "reason": "取代", "confirm": "1"}
    )
    assert response.status_code == 200 and "必须指定跳转目标" in response.content.decode()
    response = client.post(
        reverse("syndication:takedown", args=[item.pk]),
        {"kind": "redirect", "reason": "取代", "replacement": "999999", "confirm": "1"},
    )
    assert "所选页面不存在或未发布" in response.content.decode()
    newer = publish_article(column_of(township, "gzdt"), "更正后的信息", slug="gz")
    done = client.post(
        reverse("syndication:takedown", args=[item.pk]),
        {"kind": "redirect", "reason": "取代", "replacement": str(newer.pk), "confirm": "1"},
    )
    assert "涉及 1 个网站的 1 个页面" in done.content.decode()
    assert Takedown.objects.get().replacement_id == newer.pk


def test_the_inbox_shows_only_the_sites_own_pushes_and_accepts_or_rejects(
    client, portal, township, department, item, editor_of
):
    to_portal, to_department = (
        o.record
        for o in push(
            item, [column_of(portal, "tzgg"), column_of(department, "gzdt")], PushMode.ALIAS, editor_of(township)
        )
    )
    login(client, editor_of(portal))
    inbox = reverse("syndication:inbox")
    html = client.get(inbox).content.decode()
    assert html.count('name="record"') == 2  # one accept and one reject form, for the portal's push only

    refused = client.post(inbox, {"record": to_department.pk, "action": "accept"}).content.decode()
    assert "只有目标网站的编辑才能处理这条推送" in refused
    client.post(inbox, {"record": to_portal.pk, "action": "reject", "reason": "不符合栏目定位"})
    to_portal.refresh_from_db()
    to_department.refresh_from_db()
    assert (to_portal.status, to_department.status) == (PushStatus.REJECTED, PushStatus.PENDING)


def test_info_center_screens_are_closed_to_site_editors(client, township, editor_of):
    login(client, editor_of(township))
    for name in ("syndication:records", "syndication:finder", "syndication:stats"):
        assert client.get(reverse(name)).status_code in (302, 403)


def test_the_finder_locates_an_item_by_title_url_or_index_number(client, township, item, info_center):
    login(client, info_center)
    finder = reverse("syndication:finder")
    for query in ("防汛应急", "http://shuiyang.example.gov.cn/gzdt/fxyl/", "shuiyang.example.gov.cn/gzdt/fxyl"):
        html = client.get(finder, {"q": query}).content.decode()
        assert reverse("syndication:takedown", args=[item.pk]) in html, query
    from cms.disclosure.models import IndexNumber

    number = IndexNumber.objects.filter(page=item).first()
    if number is not None:
        assert (
            reverse("syndication:takedown", args=[item.pk]) in client.get(finder, {"q": number.value}).content.decode()
        )
    assert "没有找到" in client.get(finder, {"q": "不存在的标题"}).content.decode()


def test_records_list_and_restore_from_the_info_center(client, township, item, info_center):
    from cms.syndication.takedown import take_down

    takedown = take_down(item, TakedownKind.GONE, "错误", info_center).takedown
    login(client, info_center)
    html = client.get(reverse("syndication:records"), {"tab": "takedowns", "status": "active"}).content.decode()
    assert "水阳镇开展防汛应急演练" in html and reverse("syndication:restore", args=[takedown.pk]) in html

    empty = client.post(reverse("syndication:restore", args=[takedown.pk]), {"reason": ""})
    assert "请填写恢复理由" in empty.content.decode()
    client.post(reverse("syndication:restore", args=[takedown.pk]), {"reason": "核实无误"})
    takedown.refresh_from_db()
    assert takedown.restored_at is not None and takedown.restore_reason == "核实无误"


def test_submission_statistics_rank_units_and_export_xlsx(
    client, portal, township, department, item, editor_of, info_center
):
    from cms.syndication.push import accept, reject

    second = publish_article(column_of(township, "gzdt"), "第二条", slug="second")
    dept_item = publish_article(column_of(department, "gzdt"), "部门信息", slug="dept")
    accept(push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record, editor_of(portal))
    accept(push(second, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record, editor_of(portal))
    reject(
        push(dept_item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(department))[0].record,
        editor_of(portal),
        "重复",
    )
    push(dept_item, [column_of(portal, "ywdt/bmdt")], PushMode.ALIAS, editor_of(department))

    login(client, info_center)
    html = client.get(reverse("syndication:stats")).content.decode()
    assert "100.0%" in html and "0.0%" in html

    export = client.get(reverse("syndication:stats"), {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("月份", "排名", "报送单位", "网站", "报送数", "采用数", "采用率")
    body = sorted(rows[1:], key=lambda r: r[1])
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in body] == [
        (1, "水阳镇人民政府", 2, 2, 1.0),
        (2, "宣州区教育局", 2, 0, 0.0),
    ]


def test_page_header_offers_push_and_takedown(client, township, item, editor_of):
    login(client, editor_of(township))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
    assert reverse("syndication:push", args=[item.pk]) in html
    assert reverse("syndication:takedown", args=[item.pk]) in html


def test_bad_input_gets_a_chinese_message_never_a_500(client, portal, township, item, editor_of):
    login(client, editor_of(portal))
    inbox = client.post(reverse("syndication:inbox"), {"record": "abc", "action": "accept"})
    assert inbox.status_code == 200 and "请选择要处理的推送" in inbox.content.decode()

    login(client, editor_of(township))
    url = reverse("syndication:push", args=[item.pk])
    bad = client.post(url, {"targets": ["abc"], "mode": "fax"})
    assert bad.status_code == 200 and "推送方式" in bad.content.decode()
    nothing = client.post(url, {"mode": PushMode.ALIAS, "shortcut_type": "notice"})
    assert "请至少选择一个目标栏目" in nothing.content.decode()
    assert not PushRecord.objects.exists()


def test_a_taken_down_item_cannot_be_republished_from_the_editor(
    client, township, item, editor_of, superuser, committed
):
    from django.utils import timezone
    from wagtail.models import Page
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    from cms.syndication.takedown import take_down

    with committed():
        take_down(item, TakedownKind.GONE, "错误", editor_of(township))
    # Only superusers may publish directly at all (site roles go through the review workflow).
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:edit", args=[item.pk])
    data = nested_form_data(
        {
            "title": item.title,
            "slug": item.slug,
            "body": rich_text(item.body),
            "publication_date": timezone.localtime(item.publication_date).strftime("%Y-%m-%d %H:%M"),
            "attachments": inline_formset([]),
            "disclosure_mode": item.disclosure_mode,
            "validity": item.validity,
            "action-publish": "action-publish",
        }
    )
    response = client.post(url, data, follow=True)

    assert "该信息已被下架" in response.content.decode()
    assert Page.objects.get(pk=item.pk).live is False


def _header_title(html: str) -> str:
    """The text of Wagtail's standard header <h1>, or "" when the page has none."""
    import re

    found = re.search(r'<h1 class="w-header__title"[^>]*>(.*?)</h1>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", "", found.group(1)) if found else ""


def test_push_takedown_and_restore_have_the_standard_admin_header(client, township, item, editor_of, info_center):
    from cms.syndication.takedown import take_down

    login(client, editor_of(township))
    push_html = client.get(reverse("syndication:push", args=[item.pk])).content.decode()
    assert _header_title(push_html) == "推送" + item.title
    takedown_html = client.get(reverse("syndication:takedown", args=[item.pk])).content.decode()
    assert _header_title(takedown_html) == "一键下架" + item.title
    assert f"<title>一键下架：{item.title}" in takedown_html

    takedown = take_down(item, TakedownKind.GONE, "错误", info_center).takedown
    login(client, info_center)
    restore_html = client.get(reverse("syndication:restore", args=[takedown.pk])).content.decode()
    assert _header_title(restore_html) == "恢复" + item.title
    assert _header_title(client.get(reverse("syndication:records")).content.decode()) == "推送与下架记录"


def test_restore_says_it_succeeded(client, township, item, info_center):
    from cms.syndication.takedown import take_down

    takedown = take_down(item, TakedownKind.GONE, "错误", info_center).takedown
    login(client, info_center)
    response = client.post(reverse("syndication:restore", args=[takedown.pk]), {"reason": "核实无误"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain and f"已恢复“{item.title}”，涉及 1 个页面。" in html


def test_inbox_titles_open_the_pushed_item(client, portal, township, item, editor_of):
    push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))
    login(client, editor_of(portal))
    html = client.get(reverse("syndication:inbox")).content.decode()
    assert f'<a href="{item.full_url}" target="_blank" rel="noopener" title="在新窗口阅读原文">{item.title}</a>' in html
    # The reason box is a styled text box with its label (it was an unstyled input, invisible).
    assert re.search(
        r'<label for="reason-(\d+)" class="w-sr-only">退回理由</label><input type="text" id="reason-\1"', html
    )
    assert "syndication/admin.css" in html


def test_push_form_marks_each_folded_site_as_expandable(client, portal, township, item, editor_of):
    login(client, editor_of(township))
    html = client.get(reverse("syndication:push", args=[item.pk])).content.decode()
    assert 'class="push-targets"' in html and "syndication/admin.css" in html
    assert '宣州区人民政府 <span class="push-targets__count">（' in html
