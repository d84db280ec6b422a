"""紧急发布: only the info center, only with a reason, always followed by a reviewer's sign-off."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import PageLogEntry, WorkflowState

from cms.workflow.actions import EmergencyPublishAction, EmergencyPublishError, SignOffEmergencyAction
from cms.workflow.models import EmergencyPublication
from cms.workflow.services import emergency_publications_for, latest_report
from tests.conftest import column_of

from .conftest import draft_article, submit


@pytest.fixture
def people(department, township, make_user):
    return {
        "info": make_user(None, "信息中心"),
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "other_reviewer": make_user(township, "reviewer"),
    }


def emergency_publish(page, *, user, reason: str) -> EmergencyPublication:
    return EmergencyPublishAction(page, user=user, reason=reason).execute()


def sign_off_emergency(record, *, user, comment: str = "") -> EmergencyPublication:
    return SignOffEmergencyAction(record, user=user, comment=comment).execute()


@pytest.fixture
def urgent(department, people):
    return draft_article(column_of(department, "tzgg"), "暴雨红色预警：全区中小学停课", user=people["editor"])


def test_the_info_center_publishes_at_once_with_a_reason(urgent, people):
    state = submit(urgent, people["editor"])

    record = emergency_publish(urgent, user=people["info"], reason="暴雨红色预警，须立即通知停课。")

    urgent.refresh_from_db()
    state.refresh_from_db()
    assert urgent.live and state.status == WorkflowState.STATUS_CANCELLED
    assert record.reason == "暴雨红色预警，须立即通知停课。" and not record.is_signed_off
    assert latest_report(urgent).revision == record.revision  # checked, for the retrospective review
    entry = PageLogEntry.objects.get(page=urgent, action="workflow.emergency_publish")
    assert entry.user == people["info"] and entry.data["reason"] == record.reason


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_nobody_else_may(urgent, people, who):
    with pytest.raises(EmergencyPublishError, match="只有信息中心可以紧急发布"):
        emergency_publish(urgent, user=people[who], reason="很急")
    urgent.refresh_from_db()
    assert not urgent.live and not EmergencyPublication.objects.exists()


def test_a_reason_is_required(urgent, people):
    with pytest.raises(EmergencyPublishError, match="请填写紧急发布的理由"):
        emergency_publish(urgent, user=people["info"], reason="  ")
    urgent.refresh_from_db()
    assert not urgent.live


def test_it_stays_on_the_report_until_a_reviewer_of_its_site_signs_it_off(urgent, people):
    record = emergency_publish(urgent, user=people["info"], reason="防汛紧急通知")
    assert list(emergency_publications_for(people["reviewer"])) == [record]
    assert list(emergency_publications_for(people["other_reviewer"])) == []

    with pytest.raises(PermissionDenied):
        sign_off_emergency(record, user=people["other_reviewer"])
    with pytest.raises(PermissionDenied):
        sign_off_emergency(record, user=people["info"])  # the publisher never signs off their own
    sign_off_emergency(record, user=people["reviewer"], comment="内容属实，同意。")

    record.refresh_from_db()
    assert record.signed_off_by == people["reviewer"] and record.sign_off_comment == "内容属实，同意。"
    assert not emergency_publications_for(people["info"]).filter(signed_off_at__isnull=True).exists()
    assert PageLogEntry.objects.filter(page=urgent, action="workflow.sign_off", user=people["reviewer"]).exists()
    with pytest.raises(EmergencyPublishError, match="已补审"):
        sign_off_emergency(record, user=people["reviewer"])


class TestAdmin:
    def test_the_form_insists_on_a_reason_in_chinese(self, client, urgent, people):
        client.force_login(people["info"])
        url = reverse("workflow:emergency_publish", args=[urgent.pk])
        response = client.post(url, {"reason": ""})
        assert response.status_code == 200 and "请填写紧急发布的理由" in response.content.decode()
        response = client.post(url, {"reason": "防汛紧急通知，立即发布"})
        assert response.status_code == 302
        urgent.refresh_from_db()
        assert urgent.live

    def test_others_get_no_form(self, client, urgent, people):
        client.force_login(people["reviewer"])
        response = client.get(reverse("workflow:emergency_publish", args=[urgent.pk]))
        assert response.status_code in (302, 403)
        assert "紧急发布" not in client.get(reverse("wagtailadmin_pages:edit", args=[urgent.pk])).content.decode()

    def test_the_report_and_sign_off(self, client, urgent, people):
        emergency_publish(urgent, user=people["info"], reason="防汛紧急通知")
        client.force_login(people["reviewer"])
        html = client.get(reverse("workflow:emergency_list")).content.decode()
        assert urgent.title in html and "补审通过" in html
        record = EmergencyPublication.objects.get()
        client.post(reverse("workflow:sign_off", args=[record.pk]), {"comment": "同意"})
        assert "没有待补审的紧急发布" in client.get(reverse("workflow:emergency_list")).content.decode()
