"""The consultation page: where it may stand, what its editor must fill in, and its 征集结果反馈."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cms.consultations.models import ConsultationPage
from cms.content.models import ColumnPage

from .conftest import make_consultation, path_of

pytestmark = pytest.mark.django_db


def test_it_stands_only_in_a_column():
    assert ConsultationPage.parent_page_types == ["content.ColumnPage"]
    assert ConsultationPage in ColumnPage.allowed_subpage_models()


def feedback_errors(**fields) -> dict:
    values = {
        "title": "征集",
        "slug": "zj",
        "purpose": "目的",
        "body": "<p>正文</p>",
        "start_date": date(2025, 3, 1),
        "end_date": date(2025, 3, 31),
    }
    page = ConsultationPage(**(values | fields))
    try:
        page.full_clean(exclude=["path", "depth"])
    except ValidationError as error:
        return error.message_dict
    return {}


def test_end_before_start_is_refused():
    assert "end_date" in feedback_errors(end_date=date(2025, 2, 1))


def test_a_draft_text_or_an_attachment_is_required():
    assert "请填写征求意见稿正文或上传附件" in feedback_errors(body="")["body"][0]


def test_feedback_is_complete_and_after_the_end():
    assert (
        feedback_errors(feedback_comment_count=10, feedback_adopted_count=10, feedback_published_on=date(2025, 4, 10))
        == {}
    )
    errors = feedback_errors(
        feedback_comment_count=10, feedback_adopted_count=4, feedback_published_on=date(2025, 3, 20)
    )
    assert "feedback_reasons" in errors and "不能早于截止日期" in errors["feedback_published_on"][0]
    assert (
        "多于"
        in feedback_errors(feedback_comment_count=1, feedback_adopted_count=2, feedback_published_on=date(2025, 4, 1))[
            "feedback_adopted_count"
        ][0]
    )
    assert "feedback_published_on" in feedback_errors(feedback_comment_count=1, feedback_adopted_count=1)


def test_the_page_shows_its_feedback_once_answered(client, department):
    page = make_consultation(
        department,
        start=date(2025, 3, 1),
        end=date(2025, 3, 31),
        feedback_comment_count=12,
        feedback_adopted_count=5,
        feedback_reasons="<p>关于取消收费的意见：与上位法规定不符，未予采纳。</p>",
        feedback_published_on=date(2025, 4, 15),
    )
    body = client.get(path_of(page), HTTP_HOST=department.hostname).content.decode()
    assert "征集结果反馈" in body and "已反馈" in body
    assert "共收到意见 12 条，采纳 5 条" in body
    assert "与上位法规定不符" in body


def test_the_open_page_links_its_form(client, department):
    page = make_consultation(department, end=date.today() + timedelta(days=30))
    body = client.get(path_of(page), HTTP_HOST=department.hostname).content.decode()
    assert "网上提交意见" in body and f'href="{path_of(page)}comment/"' in body


def test_the_admin_create_and_edit_forms_render_in_chinese(client, department, make_user):
    page = make_consultation(department)
    client.force_login(make_user(department, "editor"))
    column = page.get_parent()
    add = client.get(f"/admin/pages/add/consultations/consultationpage/{column.pk}/")
    assert add.status_code == 200
    assert "征集结果反馈（征集结束后填写）" in add.content.decode()
    edit = client.get(f"/admin/pages/{page.pk}/edit/")
    assert edit.status_code == 200
    assert "主要意见未采纳情况及理由" in edit.content.decode()
