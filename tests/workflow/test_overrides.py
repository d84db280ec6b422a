"""One truthful message after a blocked submission; 放行 of a false positive by a reviewer with a
recorded reason; phrases the info center allows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, WorkflowState

from cms.content.models import ArticlePage
from cms.workflow.actions import CheckOverrideError, OverrideCheckAction
from cms.workflow.checks import check_page
from cms.workflow.models import AllowedPhrase, CheckOverride, ReviewTask, Severity
from cms.workflow.services import latest_report, seed_word_lists
from tests.conftest import column_of

from .conftest import draft_article, submit
from .test_admin import edit_form, edit_url

NOTICE = "<p>警惕刷单返利诈骗：凡是要求垫资刷单的都是诈骗。</p>"


@pytest.fixture
def people(department, township, make_user):
    seed_word_lists(sensitive=[("刷单", "illegal", Severity.BLOCK)])
    return {
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "other_reviewer": make_user(township, "reviewer"),
        "info": make_user(None, "信息中心"),
    }


@pytest.fixture
def blocked(department, people):
    page = draft_article(column_of(department, "tzgg"), "反诈提示", body=NOTICE, user=people["editor"])
    state = submit(page, people["editor"])
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    return page


def override(page, user, reason="反诈宣传中引用的诈骗话术，并非违规内容。", kind="sensitive", what="刷单"):
    return OverrideCheckAction(page, user=user, kind=kind, what=what, reason=reason).execute()


def test_a_blocked_submission_says_only_that_the_check_failed(client, department, people):
    page = draft_article(column_of(department, "tzgg"), "反诈提示", user=people["editor"])
    client.force_login(people["editor"])
    response = client.post(edit_url(page), edit_form(page, "谨防刷单骗局。", **{"action-submit": "1"}), follow=True)
    html = response.content.decode()
    assert "自动检查未通过" in html
    assert "已经提交进行审核" not in html  # Wagtail's green "submitted", untrue here


def test_a_new_item_created_and_blocked_says_only_that_too(client, department, people):
    column = column_of(department, "tzgg")
    client.force_login(people["editor"])
    form = edit_form(ArticlePage(title="新建反诈", slug="x", publication_date=timezone.now()), "谨防刷单骗局。")
    url = reverse("wagtailadmin_pages:add", args=["content", "articlepage", column.pk])
    html = client.post(url, {**form, "action-submit": "1"}, follow=True).content.decode()
    assert "自动检查未通过" in html and "已创建并提交审核" not in html


def test_a_passing_submission_still_says_it_was_submitted(client, department, people):
    page = draft_article(column_of(department, "tzgg"), "通知", user=people["editor"])
    client.force_login(people["editor"])
    response = client.post(edit_url(page), edit_form(page, "明天开会。", **{"action-submit": "1"}), follow=True)
    assert "已经提交进行审核" in response.content.decode()


class TestOverride:
    def test_a_reviewer_overrides_with_a_reason_and_the_item_goes_on_to_review(self, blocked, people):
        record = override(blocked, people["reviewer"])

        assert (record.overridden_by, record.kind, record.what) == (people["reviewer"], "sensitive", "刷单")
        state = blocked.specific.current_workflow_state
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert isinstance(state.current_task_state.task.specific, ReviewTask)
        report = latest_report(blocked)
        assert not report.blocked and "审核人已放行：反诈宣传中引用的诈骗话术" in report.warn_findings[0]["why"]
        entry = PageLogEntry.objects.get(page=blocked, action="workflow.override_check")
        assert entry.user == people["reviewer"] and entry.data["reason"].startswith("反诈宣传")

    def test_with_another_block_finding_left_the_item_stays_with_the_editor(self, department, people):
        seed_word_lists(sensitive=[("返利", "illegal", Severity.BLOCK)])
        page = draft_article(column_of(department, "tzgg"), "反诈提示", body=NOTICE, user=people["editor"])
        submit(page, people["editor"])
        action = OverrideCheckAction(
            page, user=people["reviewer"], kind="sensitive", what="刷单", reason="反诈宣传话术"
        )
        action.execute()
        assert not action.resumed
        assert page.specific.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES

    @pytest.mark.parametrize("who", ["editor", "other_reviewer", "info"])
    def test_only_a_reviewer_of_the_site_may_override(self, blocked, people, who):
        with pytest.raises(PermissionDenied):
            override(blocked, people[who])
        assert not CheckOverride.objects.exists()

    def test_a_reason_is_required(self, blocked, people):
        with pytest.raises(CheckOverrideError, match="请填写放行理由"):
            override(blocked, people["reviewer"], reason=" 误报 ")

    def test_only_a_block_finding_of_the_latest_check_and_only_a_word_list_one(self, blocked, people):
        with pytest.raises(CheckOverrideError, match="没有这一禁止项"):
            override(blocked, people["reviewer"], what="返利")
        report = latest_report(blocked)
        report.findings = [dict(report.findings[0], kind="link", what="失效链接")]
        report.save()
        with pytest.raises(CheckOverrideError, match="不能放行"):
            override(blocked, people["reviewer"], kind="link", what="失效链接")

    def test_a_reviewer_cannot_override_a_revision_they_submitted(self, department, people):
        page = draft_article(column_of(department, "tzgg"), "自审", body=NOTICE, user=people["reviewer"])
        submit(page, people["reviewer"])
        with pytest.raises(PermissionDenied, match="不能放行自己提交的版本"):
            override(page, people["reviewer"])

    def test_in_the_admin_the_report_page_offers_it_to_reviewers_only(self, client, blocked, people):
        url = reverse("workflow:report", args=[blocked.pk])
        client.force_login(people["editor"])
        assert "放行“刷单”" not in client.get(url).content.decode()
        refused = client.post(
            reverse("workflow:override", args=[blocked.pk]),
            {"kind": "sensitive", "what": "刷单", "reason": "我认为是误报"},
            follow=True,
        )
        assert "只有本站审核人员可以放行" in refused.content.decode()

        client.force_login(people["reviewer"])
        assert "放行“刷单”" in client.get(url).content.decode()
        response = client.post(
            reverse("workflow:override", args=[blocked.pk]),
            {"kind": "sensitive", "what": "刷单", "reason": "反诈宣传引用的话术"},
            follow=True,
        )
        html = response.content.decode()
        assert "已放行“刷单”" in html and "已提交审核" in html and "放行记录" in html
        assert CheckOverride.objects.filter(page=blocked, overridden_by=people["reviewer"]).exists()


class TestAllowedPhrases:
    def test_words_inside_an_allowed_phrase_are_not_reported_elsewhere_they_are(self, department, people):
        AllowedPhrase.objects.create(phrase="警惕刷单返利诈骗")
        page = draft_article(column_of(department, "tzgg"), "反诈提示", body=NOTICE, user=people["editor"])
        findings = [f for f in check_page(page) if f.what == "刷单"]
        assert [f.before for f in findings] == ["警惕刷单返利诈骗：凡是要求垫资"]  # only the second occurrence

    def test_the_info_center_adds_one_in_the_admin_and_the_next_check_uses_it(self, client, department, people):
        client.force_login(people["info"])
        add_url = reverse("workflow_allowedphrase:add")
        response = client.post(add_url, {"phrase": "垫资刷单", "note": "反诈宣传用语"})
        assert response.status_code == 302
        AllowedPhrase.objects.create(phrase="警惕刷单返利诈骗")
        page = draft_article(column_of(department, "tzgg"), "反诈提示", body=NOTICE, user=people["editor"])
        assert submit(page, people["editor"]).status == WorkflowState.STATUS_IN_PROGRESS

        client.force_login(people["editor"])
        assert client.get(add_url).status_code != 200
