"""Review flows with real users and groups in two sites, through Wagtail's workflow API."""

from __future__ import annotations

import pytest
from django.core import mail
from wagtail.models import TaskState, WorkflowState

from cms.workflow.models import CheckReport, Severity
from cms.workflow.services import seed_word_lists
from tests.conftest import column_of

from .conftest import draft_article, submit


@pytest.fixture
def words(db):
    seed_word_lists(
        sensitive=[("法轮功", "political", Severity.BLOCK), ("最佳", "advertising", Severity.WARN)],
        protected=[("中华人民共和国", "state", ["中华人民共合国"])],
        typos=[("按排", "安排")],
    )


@pytest.fixture
def staff(department, township, make_user):
    return {
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "leader": make_user(department, "leader"),
        "other_reviewer": make_user(township, "reviewer"),
        "other_leader": make_user(township, "leader"),
    }


def current(page) -> TaskState:
    return page.specific.current_workflow_task_state


def act(page, user, action: str, comment: str = "") -> None:
    task_state = current(page)
    assert action in [name for name, _, _ in task_state.task.specific.get_actions(page, user)]
    task_state.task.specific.on_action(task_state, user, action, comment=comment)


def test_submit_check_approve_approve_goes_live(department, staff, words):
    page = draft_article(column_of(department, "tzgg"), "关于做好秋季学期开学工作的通知", user=staff["editor"])
    mail.outbox.clear()

    state = submit(page, staff["editor"])

    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert current(page).task.name == "宣州区教育局·初审"
    report = CheckReport.objects.get(page_id=page.pk)
    assert report.findings == [] and report.task_state.status == TaskState.STATUS_APPROVED
    # Wagtail emails the next step's group, and only it.
    assert [m.to for m in mail.outbox] == [[staff["reviewer"].email]]

    act(page, staff["reviewer"], "approve", "同意")
    assert current(page).task.name == "宣州区教育局·终审/保密审查"
    assert mail.outbox[-1].to == [staff["leader"].email]
    page.refresh_from_db()
    assert not page.live

    act(page, staff["leader"], "approve")
    page.refresh_from_db()
    state.refresh_from_db()
    assert page.live and state.status == WorkflowState.STATUS_APPROVED


def test_news_needs_only_the_first_review(department, staff, words):
    page = draft_article(column_of(department, "gzdt"), "教育局召开工作会议", user=staff["editor"])
    submit(page, staff["editor"])
    act(page, staff["reviewer"], "approve")
    page.refresh_from_db()
    assert page.live


def test_a_reviewer_rejects_with_a_comment_and_the_editor_resubmits(department, staff, words):
    page = draft_article(column_of(department, "tzgg"), "通知", user=staff["editor"])
    state = submit(page, staff["editor"])
    act(page, staff["reviewer"], "reject", "标题过于简单，请写明事项。")

    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    rejected = state.current_task_state
    assert rejected.status == TaskState.STATUS_REJECTED and rejected.comment == "标题过于简单，请写明事项。"
    assert mail.outbox[-1].to == [staff["editor"].email]  # the requester hears of it

    page.title = "关于秋季开学的通知"
    page.save_revision(user=staff["editor"])
    state.resume(user=staff["editor"])
    assert current(page).task.name == "宣州区教育局·初审"  # checked again, back with the first reviewer
    assert CheckReport.objects.filter(page_id=page.pk).count() == 2


def test_a_block_finding_rejects_at_once_with_the_report(department, staff, words):
    body = "<p>近日，有群众反映某小区存在法轮功宣传品，社区已依法处置。</p>"
    page = draft_article(column_of(department, "tzgg"), "社区通报", body, user=staff["editor"])
    mail.outbox.clear()

    state = submit(page, staff["editor"])

    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    task_state = state.current_task_state
    assert task_state.task.name == "自动检查" and task_state.status == TaskState.STATUS_REJECTED
    report = task_state.check_report
    assert report.blocked and task_state.comment == report.summary
    (finding,) = report.findings
    assert finding["what"] == "法轮功" and finding["kind_label"] == "敏感词" and finding["field"] == "正文"
    assert finding["before"].endswith("某小区存在") and finding["after"].startswith("宣传品")
    assert "政治敏感" in finding["why"]
    assert not any(staff["reviewer"].email in m.to for m in mail.outbox)  # reviewers never see it


def test_a_warn_finding_passes_with_the_report_for_the_reviewers(department, staff, words):
    body = "<p>我区打造全市最佳营商环境，请各单位按排好工作。</p>"
    page = draft_article(column_of(department, "tzgg"), "营商环境通知", body, user=staff["editor"])

    state = submit(page, staff["editor"])

    assert current(page).task.name == "宣州区教育局·初审"
    report = CheckReport.objects.get(page_id=page.pk)
    assert not report.blocked
    assert {(f["what"], f["kind_label"]) for f in report.findings} == {("最佳", "敏感词"), ("按排", "错别字")}
    assert state.task_states.get(task__name="自动检查").comment.startswith("自动检查通过")


def test_a_misspelt_protected_term_blocks(department, staff, words):
    page = draft_article(column_of(department, "tzgg"), "中华人民共合国成立纪念", user=staff["editor"])
    state = submit(page, staff["editor"])
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    findings = state.current_task_state.check_report.findings
    assert [f["field"] for f in findings] == ["标题", "正文"]  # the default body repeats the title
    assert all("应写作“中华人民共和国”" in f["why"] and f["kind_label"] == "规范用语" for f in findings)


def test_reviewers_see_and_act_only_on_their_own_sites_tasks(department, township, staff, make_user, words):
    ours = draft_article(column_of(department, "tzgg"), "教育局通知", user=staff["editor"])
    theirs = draft_article(column_of(township, "tzgg"), "水阳镇通知", user=make_user(township, "editor"))
    submit(ours, staff["editor"])
    submit(theirs, theirs.owner)

    def reviewable(user):
        return {ts.workflow_state.content_object.title for ts in TaskState.objects.reviewable_by(user)}

    assert reviewable(staff["reviewer"]) == {"教育局通知"}
    assert reviewable(staff["other_reviewer"]) == {"水阳镇通知"}
    assert reviewable(staff["leader"]) == set()  # not its step yet
    task = current(theirs).task.specific
    assert task.get_actions(theirs, staff["reviewer"]) == []
    # While in review the page is locked to everyone but the step's reviewers.
    assert task.locked_for_user(theirs, staff["reviewer"])
    assert current(ours).task.specific.locked_for_user(ours, staff["editor"])
    assert not current(ours).task.specific.locked_for_user(ours, staff["reviewer"])


def test_publishing_from_python_still_bypasses_workflows(department):
    # Imports, the demo and tests publish with the Python API; workflows gate the admin only.
    from tests.conftest import publish_article

    assert publish_article(column_of(department, "tzgg"), "直接发布").live


def test_a_resubmission_is_checked_again_before_the_reviewer_sees_it(department, staff, words):
    page = draft_article(column_of(department, "tzgg"), "关于开学的通知", user=staff["editor"])
    state = submit(page, staff["editor"])
    act(page, staff["reviewer"], "reject", "请补充内容。")
    page.body = "<p>补充：法轮功相关材料一律上交。</p>"
    page.save_revision(user=staff["editor"])
    mail.outbox.clear()

    state.refresh_from_db()
    state.resume(user=staff["editor"])  # Wagtail resumes at the step that rejected it …

    state.refresh_from_db()
    # … but that revision was never checked, so 自动检查 runs first and sends it back.
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.task.name == "自动检查"
    assert state.current_task_state.check_report.blocked
    assert all(staff["reviewer"].email not in m.to for m in mail.outbox)


def test_a_reviewers_own_edit_is_checked_before_their_approval_counts(department, staff, words):
    page = draft_article(column_of(department, "gzdt"), "教育局动态", user=staff["editor"])  # one review step
    state = submit(page, staff["editor"])
    page.body = "<p>审核人改稿时误加了法轮功字样。</p>"
    page.save_revision(user=staff["reviewer"])

    act(page, staff["reviewer"], "approve")

    state.refresh_from_db()
    page.refresh_from_db()
    assert not page.live and state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment.startswith("审核中修改的版本自动检查未通过")


def test_an_unchanged_item_is_not_checked_twice(department, staff, words):
    page = draft_article(column_of(department, "gzdt"), "教育局动态", user=staff["editor"])
    submit(page, staff["editor"])
    act(page, staff["reviewer"], "approve")
    page.refresh_from_db()
    assert page.live and CheckReport.objects.filter(page_id=page.pk).count() == 1
