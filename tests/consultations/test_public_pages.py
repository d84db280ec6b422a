"""What the public sees: masked names, never a phone or e-mail; every field escaped; the column lists."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.test import override_settings

from cms.consultations.actions import ApproveCommentAction
from cms.consultations.models import NAME_MAX_LENGTH, ConsultationComment
from cms.consultations.selectors import consultations_for_column
from sites.models import SiteStatus
from tests.accounts.xss_payloads import PAYLOADS
from tests.conftest import column_of
from tests.core.public_form_helpers import fresh_payload

from .conftest import interaction_column, make_consultation, path_of, submit_comment, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(department, make_user):
    return make_user(department, "reviewer")


def test_public_comments_show_masked_names_and_no_contact_details(client, open_consultation, reviewer):
    shown = submit_comment(open_consultation, name="王小明", phone="13612345678", email="wxm@example.com")
    pending = submit_comment(open_consultation, content="这条意见还在审核中。", name="赵六")
    ApproveCommentAction(shown, user=reviewer).execute()

    body = client.get(path_of(open_consultation), HTTP_HOST="jyj.example.gov.cn").content.decode()

    assert "建议增加对老年人的照顾条款。" in body
    assert "王**" in body
    for secret in ("王小明", "小明", "13612345678", "wxm@example.com", pending.content, "赵"):
        assert secret not in body


def test_a_never_published_consultation_lists_no_comment(client, department, reviewer):
    page = make_consultation(department, comment_mode="never_published")
    submit_comment(page, content="不公开征集收到的意见。")
    assert "不公开征集收到的意见" not in client.get(path_of(page), HTTP_HOST=department.hostname).content.decode()


def test_approving_a_comment_shows_it_on_the_cached_page(client, open_consultation, reviewer):
    comment = submit_comment(open_consultation, content="缓存之后才公开的意见。")
    url = path_of(open_consultation)
    assert "缓存之后才公开的意见" not in client.get(url, HTTP_HOST="jyj.example.gov.cn").content.decode()
    ApproveCommentAction(comment, user=reviewer).execute()
    assert "缓存之后才公开的意见" in client.get(url, HTTP_HOST="jyj.example.gov.cn").content.decode()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_are_rendered_escaped(client, open_consultation, reviewer, payload):
    comment = submit_comment(open_consultation, content=f"意见：{payload}", name=payload[:NAME_MAX_LENGTH])
    ApproveCommentAction(comment, user=reviewer, confirm_findings=True).execute()

    body = client.get(path_of(open_consultation), HTTP_HOST="jyj.example.gov.cn").content.decode()

    if any(character in payload for character in "<>\"'&"):
        assert payload not in body
    assert html.escape(f"意见：{payload}") in body


@pytest.mark.parametrize("payload", PAYLOADS[::5])
def test_xss_payloads_in_every_field_of_a_refused_form_come_back_escaped(client, open_consultation, payload):
    url = path_of(open_consultation) + "comment/"
    data = {"content": payload, "name": payload, "phone": payload, "email": payload, "consent": "on"}
    data["altcha"] = fresh_payload(client, HTTP_HOST="jyj.example.gov.cn")

    response = client.post(url, data, HTTP_HOST="jyj.example.gov.cn")

    assert response.status_code == 400
    body = response.content.decode()
    if any(character in payload for character in "<>\"'&"):
        assert payload not in body
    assert body.count(html.escape(payload)) >= 4  # content, name, phone and e-mail, each escaped
    assert not ConsultationComment.objects.exists()


def test_bad_input_keeps_what_was_typed_and_says_what_to_fix(client, open_consultation):
    url = path_of(open_consultation) + "comment/"
    data = {
        "content": "建议延长夜间公交运营时间到二十三点。",
        "name": "周七",
        "phone": "12345",
        "email": "not-an-email",
        "altcha": fresh_payload(client, HTTP_HOST="jyj.example.gov.cn"),
    }
    response = client.post(url, data, HTTP_HOST="jyj.example.gov.cn")

    assert response.status_code == 400
    body = response.content.decode()
    assert "建议延长夜间公交运营时间到二十三点。" in body
    assert 'value="周七"' in body
    assert "请填写正确的手机号码" in body
    assert "电子邮箱格式不正确" in body
    assert "请阅读并同意个人信息处理说明" in body
    assert not ConsultationComment.objects.exists()


def test_an_overlong_comment_is_refused_with_its_length(client, open_consultation):
    url = path_of(open_consultation) + "comment/"
    data = {
        "content": "长" * 2001,
        "name": "周七",
        "phone": "13812345678",
        "consent": "on",
        "altcha": fresh_payload(client, HTTP_HOST="jyj.example.gov.cn"),
    }
    response = client.post(url, data, HTTP_HOST="jyj.example.gov.cn")
    assert response.status_code == 400
    assert "意见内容最多 2000 个字，现为 2001 个字" in response.content.decode()


def test_without_the_challenge_the_form_is_refused_and_kept(client, open_consultation):
    url = path_of(open_consultation) + "comment/"
    data = {"content": "没有完成安全验证的意见。", "name": "周七", "phone": "13812345678", "consent": "on"}
    response = client.post(url, data, HTTP_HOST="jyj.example.gov.cn")
    assert response.status_code == 400
    assert "没有完成安全验证的意见。" in response.content.decode()
    assert not ConsultationComment.objects.exists()


@override_settings(CONSULTATION_COMMENTS_PER_ADDRESS=2, CONSULTATION_COMMENTS_PER_PHONE=10)
def test_rate_limit_per_address(client, open_consultation):
    url = path_of(open_consultation) + "comment/"

    def post(n: int):
        data = {"content": f"第{n}条意见的内容。", "name": "周七", "phone": f"1381234567{n}", "consent": "on"}
        data["altcha"] = fresh_payload(client, HTTP_HOST="jyj.example.gov.cn")
        return client.post(url, data, HTTP_HOST="jyj.example.gov.cn")

    assert [post(1).status_code, post(2).status_code] == [200, 200]
    refused = post(3)
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert "第3条意见的内容。" in refused.content.decode()
    assert ConsultationComment.objects.count() == 2


@override_settings(CONSULTATION_COMMENTS_PER_ADDRESS=100, CONSULTATION_COMMENTS_PER_PHONE=1)
def test_rate_limit_per_phone_across_addresses(client, open_consultation):
    url = path_of(open_consultation) + "comment/"

    def post(address: str):
        data = {"content": "同一电话的意见。", "name": "周七", "phone": "13812345678", "consent": "on"}
        data["altcha"] = fresh_payload(client, HTTP_HOST="jyj.example.gov.cn")
        return client.post(url, data, HTTP_HOST="jyj.example.gov.cn", REMOTE_ADDR=address)

    assert post("198.51.100.1").status_code == 200
    assert post("198.51.100.2").status_code == 429
    assert ConsultationComment.objects.count() == 1


def test_the_site_column_lists_its_consultations_open_first(client, department, township):
    closed = make_consultation(department, start=today() - timedelta(days=40), end=today() - timedelta(days=10))
    open_ = make_consultation(department)
    upcoming = make_consultation(department, start=today() + timedelta(days=5))
    make_consultation(township, title="水阳镇的征集")

    column = interaction_column(department)
    listed = consultations_for_column(column, cluster_wide=False)
    assert [page.pk for page in listed] == [open_.pk, upcoming.pk, closed.pk]
    assert [page.list_state.label for page in listed] == ["征集中", "未开始", "已结束"]

    body = client.get(path_of(column), HTTP_HOST=department.hostname).content.decode()
    assert open_.title in body and "[征集中]" in body and "[已结束]" in body
    assert "水阳镇的征集" not in body


def test_the_portal_lists_every_open_site(client, portal, department, township):
    mine = make_consultation(portal, title="门户的征集")
    theirs = make_consultation(department, title="教育局的征集")
    hidden = make_consultation(township, title="关停子站的征集")
    township.profile.status = SiteStatus.CLOSED
    township.profile.save()

    listed = consultations_for_column(column_of(portal, "hdjl"), cluster_wide=True)
    assert {page.pk for page in listed} == {mine.pk, theirs.pk}
    assert hidden.pk not in [page.pk for page in listed]
    by_pk = {page.pk: page for page in listed}
    assert by_pk[theirs.pk].site_name == department.site_name

    body = client.get("/hdjl/", HTTP_HOST=portal.hostname).content.decode()
    assert "教育局的征集" in body and "门户的征集" in body and "关停子站的征集" not in body


def test_comments_are_not_in_the_search_fields_or_feeds(client, department, open_consultation):
    names = {field.field_name for field in type(open_consultation).search_fields}
    assert "comments" not in names
    submit_comment(open_consultation, content="不应出现在订阅中的意见。")
    feed = client.get(f"/feeds/column/{interaction_column(department).pk}/", HTTP_HOST=department.hostname)
    assert "不应出现在订阅中的意见" not in feed.content.decode()


def test_the_page_and_the_column_cost_the_same_however_many_comments_and_consultations(
    client, department, open_consultation, reviewer
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    column = interaction_column(department)

    def queries(page) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path_of(page), HTTP_HOST=department.hostname).status_code == 200
        return len(captured)

    ApproveCommentAction(submit_comment(open_consultation), user=reviewer).execute()
    make_consultation(department)
    queries(column)  # the process's content-type cache, filled once
    few_comments, few_consultations = queries(open_consultation), queries(column)
    for n in range(5):
        ApproveCommentAction(submit_comment(open_consultation, content=f"第{n}条意见。"), user=reviewer).execute()
        make_consultation(department)
    assert queries(open_consultation) == few_comments
    assert queries(column) == few_consultations
