"""Review before publication, on every path (issue 13).

Under an active workflow a revision goes live only when that workflow approved it, when
the info center published it as 紧急发布, when a superuser saved it, or inside an explicit
``review_waived`` block. A site's editor, reviewer or site admin cannot get an unreviewed
revision live by any entry point: the edit view, the create view, bulk publish, the
Python API and the scheduler. A refused final approval leaves nothing half-done.
"""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Page, Revision, TaskState, WorkflowState

from cms.workflow.actions import EmergencyPublishAction, EmergencyPublishError
from cms.workflow.models import CheckReport, EmergencyPublication
from core.publishing import PublishRefused, review_waived
from tests.conftest import column_of, publish_through_workflow

from .conftest import draft_article, submit
from .test_admin import edit_form

SITE_PUBLISHERS = ["reviewer", "leader", "site_admin"]  # the site roles Wagtail lets publish


@pytest.fixture
def people(department, make_user, superuser):
    return {
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "leader": make_user(department, "leader"),
        "site_admin": make_user(department, "site_admin"),
        "info": make_user(None, "信息中心"),
        "system_admin": make_user(None, "系统管理员"),
        "security_admin": make_user(None, "安全管理员"),
        "superuser": superuser,
    }


@pytest.fixture
def draft(department, people):
    return draft_article(column_of(department, "tzgg"), "关于开展安全生产大检查的通知", user=people["editor"])


def is_live(page) -> bool:
    return Page.objects.get(pk=page.pk).live


@contextlib.contextmanager
def another_rule_refusing(message: str = "测试规则：此页面暂不能发布。"):
    """A second publish rule, registered the way the apps register theirs, that refuses everything."""

    def refuse(page, revision):
        raise PublishRefused(message)

    with hooks.register_temporarily("check_page_publish", refuse):
        yield message


class TestEveryPathRefusesAnUnreviewedRevision:
    @pytest.mark.parametrize("role", SITE_PUBLISHERS)
    def test_the_edit_view(self, client, draft, people, role):
        client.force_login(people[role])
        url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
        response = client.post(url, edit_form(draft, "直接发布", **{"action-publish": "1"}), follow=True)
        assert response.status_code == 200 and "本站信息须经审核流程发布" in response.content.decode()
        assert not is_live(draft)

    @pytest.mark.parametrize("role", SITE_PUBLISHERS)
    def test_the_create_view(self, client, department, people, role):
        client.force_login(people[role])
        url = reverse("wagtailadmin_pages:add", args=["content", "articlepage", column_of(department, "tzgg").pk])
        page = Page(title=f"新建即发布{role}", slug="ignored")  # a new item's slug is allocated
        page.publication_date = timezone.now()
        response = client.post(url, edit_form(page, "正文", **{"action-publish": "1"}), follow=True)
        assert response.status_code == 200 and "本站信息须经审核流程发布" in response.content.decode()
        assert not Page.objects.get(title=f"新建即发布{role}").live

    @pytest.mark.parametrize("role", SITE_PUBLISHERS)
    def test_wagtails_bulk_publish(self, client, draft, people, role):
        client.force_login(people[role])
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={draft.pk}"
        response = client.post(url, {}, follow=True)
        assert response.status_code == 200 and "不能发布：本站信息须经审核流程发布" in response.content.decode()
        assert not is_live(draft)

    @pytest.mark.parametrize("role", SITE_PUBLISHERS)
    def test_the_python_api_as_commands_and_workers_use_it(self, draft, people, role):
        draft.title = "改过的标题"
        revision = draft.save_revision(user=people[role])
        with pytest.raises(PublishRefused, match="本站信息须经审核流程发布"):
            revision.publish(user=people[role])
        assert not is_live(draft)

    def test_a_live_page_keeps_its_reviewed_version(self, department, people):
        page = draft_article(column_of(department, "tzgg"), "已审核发布的通知", user=people["editor"])
        publish_through_workflow(page, editor=people["editor"], reviewers=[people["reviewer"], people["leader"]])
        page = Page.objects.get(pk=page.pk).specific
        page.title = "未经审核的修改"
        with pytest.raises(PublishRefused):
            page.save_revision(user=people["reviewer"]).publish(user=people["reviewer"])
        assert Page.objects.get(pk=page.pk).title == "已审核发布的通知"

    def test_the_scheduler_does_not_publish_a_revision_no_workflow_approved(self, draft, people):
        # Scheduling is Wagtail's publish with a future go_live_at; here a revision is due that
        # no workflow approved (as a script bypassing the admin could leave it).
        revision = draft.get_latest_revision()
        Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - timedelta(minutes=1))
        call_command("publish_scheduled", verbosity=0)  # core's command: a refusal is logged, not raised
        assert not is_live(draft)

    def test_a_refused_revision_does_not_hold_back_the_approved_ones(self, department, draft, people):
        approved = draft_article(column_of(department, "tzgg"), "定时发布的通知", user=people["editor"])
        approved.go_live_at = timezone.now() + timedelta(hours=1)
        approved.save_revision(user=people["editor"])
        publish_through_workflow(approved, editor=people["editor"], reviewers=[people["reviewer"], people["leader"]])
        # The hour passes: the approved revision is due (its own go_live_at and its schedule).
        scheduled = Revision.objects.get(object_id=str(approved.pk), approved_go_live_at__isnull=False)
        due = timezone.now() - timedelta(minutes=1)
        scheduled.content["go_live_at"] = due.isoformat()
        scheduled.approved_go_live_at = due
        scheduled.save(update_fields=["content", "approved_go_live_at"])
        Revision.objects.filter(pk=draft.get_latest_revision().pk).update(
            approved_go_live_at=timezone.now() - timedelta(minutes=2)  # due first
        )
        call_command("publish_scheduled", verbosity=0)
        assert is_live(approved) and not is_live(draft)


class TestWhatMayPublish:
    def test_workflow_approval(self, draft, people):
        publish_through_workflow(draft, editor=people["editor"], reviewers=[people["reviewer"], people["leader"]])
        assert is_live(draft)

    def test_a_reviewers_own_edit_during_their_step_is_what_they_approve(self, department, people):
        page = draft_article(column_of(department, "gzdt"), "教育局动态", user=people["editor"])  # one review step
        submit(page, people["editor"])
        page.title = "教育局动态（审核人修改）"
        page.save_revision(user=people["reviewer"])
        task_state = Page.objects.get(pk=page.pk).specific.current_workflow_task_state
        task_state.task.specific.on_action(task_state, people["reviewer"], "approve")
        live = Page.objects.get(pk=page.pk)
        assert live.live and live.title == "教育局动态（审核人修改）"

    @pytest.mark.parametrize("role", ["info", "system_admin"])
    def test_emergency_publish_by_the_info_center(self, draft, people, role):
        EmergencyPublishAction(draft, user=people[role], reason="暴雨红色预警，须立即发布。").execute()
        assert is_live(draft)

    @pytest.mark.parametrize("role", ["editor", "reviewer", "site_admin", "security_admin"])
    def test_nobody_else_publishes_in_an_emergency(self, draft, people, role):
        with pytest.raises(EmergencyPublishError, match="只有信息中心可以紧急发布"):
            EmergencyPublishAction(draft, user=people[role], reason="暴雨红色预警，须立即发布。").execute()
        assert not is_live(draft) and not EmergencyPublication.objects.exists()

    def test_a_superusers_own_revision(self, draft, people):
        draft.save_revision(user=people["superuser"]).publish(user=people["superuser"])
        assert is_live(draft)

    def test_a_superuser_publishing_someone_elses_unreviewed_revision_is_refused(self, draft, people):
        with pytest.raises(PublishRefused):
            draft.get_latest_revision().publish(user=people["superuser"])
        assert not is_live(draft)

    def test_review_waived_only_inside_its_block(self, department, draft, people):
        with review_waived("导入旧系统已发布信息"):
            draft.get_latest_revision().publish()
        assert is_live(draft)
        other = draft_article(column_of(department, "tzgg"), "块外发布", user=people["editor"])
        with pytest.raises(PublishRefused):
            other.get_latest_revision().publish()
        assert not is_live(other)


class TestARefusedFinalApprovalLeavesNothingHalfDone:
    def test_through_the_workflow_api(self, department, people):
        page = draft_article(column_of(department, "gzdt"), "教育局动态", user=people["editor"])  # one review step
        state = submit(page, people["editor"])
        page.title = "审核中修改"  # an unchecked revision: the approval checks it first
        page.save_revision(user=people["reviewer"])
        reports = CheckReport.objects.count()
        task_state = state.current_task_state

        with another_rule_refusing(), pytest.raises(PublishRefused):
            task_state.task.specific.on_action(task_state, people["reviewer"], "approve")

        state.refresh_from_db()
        task_state.refresh_from_db()
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert task_state.status == TaskState.STATUS_IN_PROGRESS and task_state.finished_at is None
        assert CheckReport.objects.count() == reports and not is_live(page)

    @pytest.mark.parametrize("ajax", [False, True], ids=["form", "modal"])
    def test_the_admin_shows_the_rules_message(self, client, department, people, ajax):
        page = draft_article(column_of(department, "gzdt"), "教育局动态", user=people["editor"])
        submit(page, people["editor"])
        task_state = Page.objects.get(pk=page.pk).specific.current_workflow_task_state
        client.force_login(people["reviewer"])
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
        headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if ajax else {}

        with another_rule_refusing() as message:
            response = client.post(url, {"comment": "同意"}, **headers)

        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        if ajax:
            assert response.status_code == 200 and json.loads(response.content)["redirect"] == edit_url
        else:
            assert response.status_code == 302 and response["Location"] == edit_url
        assert message in client.get(edit_url).content.decode()
        assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS
        assert not is_live(page)

    def test_the_editors_approve_button_shows_the_rules_message(self, client, department, people):
        page = draft_article(column_of(department, "gzdt"), "教育局动态", user=people["editor"])
        submit(page, people["editor"])
        task_state = Page.objects.get(pk=page.pk).specific.current_workflow_task_state
        client.force_login(people["reviewer"])
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        form = edit_form(page, "正文", **{"action-workflow-action": "1", "workflow-action-name": "approve"})

        with another_rule_refusing() as message:
            response = client.post(edit_url, form, follow=True)

        assert response.status_code == 200 and message in response.content.decode()
        assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS
        assert not is_live(page)

    def test_an_emergency_publication_refused_by_another_rule_leaves_no_record(self, draft, people):
        state = submit(draft, people["editor"])
        with another_rule_refusing(), pytest.raises(PublishRefused):
            EmergencyPublishAction(draft, user=people["info"], reason="暴雨红色预警，须立即发布。").execute()
        state.refresh_from_db()
        assert state.status == WorkflowState.STATUS_IN_PROGRESS  # the cancellation rolled back too
        assert not EmergencyPublication.objects.exists() and not is_live(draft)

    def test_the_emergency_form_shows_another_rules_refusal(self, client, draft, people):
        client.force_login(people["info"])
        url = reverse("workflow:emergency_publish", args=[draft.pk])
        with another_rule_refusing() as message:
            response = client.post(url, {"reason": "暴雨红色预警，须立即发布。"})
        assert response.status_code == 200 and message in response.content.decode()
        assert not EmergencyPublication.objects.exists() and not is_live(draft)
