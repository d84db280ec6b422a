"""What a site's admin enters: each row alone and the rows against each other, in Chinese."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cms.site_reports.actions import ReportError, SaveReportAction
from cms.site_reports.models import SiteReport
from cms.site_reports.template import EnteredValuesForm, from_json

from .conftest import COMPLETE_ENTRIES, YEAR


def errors_of(**changes) -> dict[str, list[str]]:
    form = EnteredValuesForm(data={**COMPLETE_ENTRIES, **changes})
    form.is_valid()
    return form.errors


def test_complete_entries_are_valid():
    assert errors_of() == {}


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"service_items": "-1"}, "service_items", "“办事服务·政务服务事项数量（单位：项）”不能小于0。"),
        ({"interviews": "三"}, "interviews", "“互动交流·在线访谈·访谈期数（单位：期）”格式不正确。"),
        ({"registered_users": "1.234"}, "registered_users", "“办事服务·注册用户数（单位：万）”最多保留两位小数。"),
        ({"smart_qa": "maybe"}, "smart_qa", "请选择“互动交流·是否提供智能问答”：是或否。"),
        ({"contact_phone": "打电话"}, "contact_phone", "联系电话格式不正确，请填写如 0563-3021234 的号码。"),
        ({"security_fixed": "8"}, "security_fixed", "问题整改数量不能大于发现问题数量。"),
        (
            {"online_service_items": "121"},
            "online_service_items",
            "可全程在线办理政务服务事项数量不能大于政务服务事项数量。",
        ),
        ({"interview_answers": "89"}, "interview_answers", "答复网民提问数量不能大于网民留言数量。"),
        ({"cases_legal": "1.10"}, "cases_total", "办件量总数应等于自然人办件量与法人办件量之和。"),
        ({"has_new_media": "no"}, "has_new_media", "选择“没有移动新媒体”时，请不要填写微博、微信和其他移动新媒体。"),
        ({"wechat_name": ""}, "has_new_media", "有移动新媒体时，请至少填写微博、微信或其他移动新媒体的名称。"),
    ],
)
def test_refused_with_a_chinese_message(changes, key, message):
    assert errors_of(**changes)[key] == [message]


def test_a_date_after_today_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert errors_of(filled_on=tomorrow.isoformat())["filled_on"] == ["填报日期不能晚于今天。"]


def test_partial_entries_may_be_saved():
    assert errors_of(hot_responses="", principal="") == {}


@pytest.mark.django_db
def test_saving_stores_typed_values_and_who(department, make_user):
    admin = make_user(department, "site_admin")
    report = SaveReportAction(department, YEAR, COMPLETE_ENTRIES, admin).execute()
    report.refresh_from_db()
    values = from_json(report.entered)
    assert values["registered_users"] == Decimal("1.25") and values["service_catalogue"] is True
    assert values["smart_qa"] is False and values["filled_on"].isoformat() == "2026-01-20"
    assert report.updated_by == admin and report.updated_at is not None


@pytest.mark.django_db
def test_an_invalid_save_writes_nothing(department, make_user):
    admin = make_user(department, "site_admin")
    with pytest.raises(ReportError) as refused:
        SaveReportAction(department, YEAR, {**COMPLETE_ENTRIES, "security_fixed": "99"}, admin).execute()
    assert refused.value.message_dict["security_fixed"] == ["问题整改数量不能大于发现问题数量。"]
    assert not SiteReport.objects.filter(site=department).exists()


@pytest.mark.django_db
def test_a_year_outside_the_template_is_refused(department, make_user):
    admin = make_user(department, "site_admin")
    with pytest.raises(ReportError, match="报表年度应在2018年至"):
        SaveReportAction(department, 2017, COMPLETE_ENTRIES, admin).execute()


@pytest.mark.django_db
def test_another_sites_admin_may_not_save(department, township, make_user):
    with pytest.raises(PermissionDenied):
        SaveReportAction(department, YEAR, COMPLETE_ENTRIES, make_user(township, "site_admin")).execute()


@pytest.mark.django_db
def test_the_model_validates_whatever_writes_it(department):
    report = SiteReport(site=department, year=YEAR, entered={"service_items": -3, "nonsense": 1, "site_name": "x"})
    with pytest.raises(ValidationError) as refused:
        report.full_clean()
    messages = refused.value.message_dict["entered"]
    assert "报表中没有可填写的项目：nonsense、site_name。" in messages
    assert "“办事服务·政务服务事项数量（单位：项）”不能小于0。" in messages
