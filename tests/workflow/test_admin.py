"""The review workflow in the Wagtail admin, with real users of two sites."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowState

from cms.workflow.models import SensitiveWord, Severity
from cms.workflow.services import seed_word_lists
from tests.conftest import column_of

from .conftest import draft_article, submit


def draftail(*paragraphs: str) -> str:
    blocks = [
        {"key": f"k{n}", "text": text, "type": "unstyled", "depth": 0, "inlineStyleRanges": [], "entityRanges": []}
        for n, text in enumerate(paragraphs)
    ]
    return json.dumps({"blocks": blocks, "entityMap": {}})


def edit_form(page, body: str, **extra) -> dict:
    return {
        "title": page.title,
        "slug": page.slug,
        # As the admin shows it: local time (Asia/Shanghai), not the stored UTC.
        "publication_date": timezone.localtime(page.publication_date).strftime("%Y-%m-%d %H:%M"),
        "body": draftail(body),
        "disclosure_mode": "proactive",
        "validity": "effective",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        **extra,
    }


@pytest.fixture
def people(department, township, make_user):
    seed_word_lists(sensitive=[("法轮功", "political", Severity.BLOCK)])
    return {
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "leader": make_user(department, "leader"),
        "other_editor": make_user(township, "editor"),
        "other_reviewer": make_user(township, "reviewer"),
        "info": make_user(None, "信息中心"),
    }


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


class TestSubmitting:
    def test_a_blocked_word_comes_straight_back_to_the_editor_with_the_finding(self, client, department, people):
        page = draft_article(column_of(department, "tzgg"), "社区通报", user=people["editor"])
        client.force_login(people["editor"])

        response = client.post(
            edit_url(page), edit_form(page, "某小区发现法轮功宣传品。", **{"action-submit": "1"}), follow=True
        )

        assert response.redirect_chain[-1][0] == edit_url(page)
        html = response.content.decode()
        assert "自动检查未通过" in html and "法轮功" in html and "查看检查报告" in html
        state = Page.objects.get(pk=page.pk).specific.current_workflow_state
        assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
        report = client.get(reverse("workflow:report", args=[page.pk])).content.decode()
        assert "某小区发现" in report and "宣传品" in report and "政治敏感" in report

    def test_editors_have_no_publish_button_and_reviewers_cannot_bypass_review(self, client, department, people):
        page = draft_article(column_of(department, "tzgg"), "通知", user=people["editor"])
        client.force_login(people["editor"])
        html = client.get(edit_url(page)).content.decode()
        assert 'name="action-submit"' in html and 'name="action-publish"' not in html

        client.force_login(people["reviewer"])  # has publish_page on the site, for approving
        assert 'name="action-publish"' not in client.get(edit_url(page)).content.decode()
        response = client.post(edit_url(page), edit_form(page, "正文", **{"action-publish": "1"}), follow=True)
        assert "本站信息须经审核流程发布" in response.content.decode()
        assert not Page.objects.get(pk=page.pk).live

    def test_the_reviewer_approves_in_the_admin_and_the_leader_puts_it_live(self, client, department, people):
        page = draft_article(column_of(department, "tzgg"), "关于开学的通知", user=people["editor"])
        submit(page, people["editor"])
        for user in (people["reviewer"], people["leader"]):
            client.force_login(user)
            task_state = Page.objects.get(pk=page.pk).specific.current_workflow_task_state
            url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
            client.post(url, {"comment": "同意"})
            assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_APPROVED
        assert Page.objects.get(pk=page.pk).live

    def test_reviewers_see_the_warnings_in_the_editor(self, client, department, people):
        seed_word_lists(typos=[("按排", "安排")])
        page = draft_article(column_of(department, "tzgg"), "请各校按排好假期值班", user=people["editor"])
        submit(page, people["editor"])
        client.force_login(people["reviewer"])
        html = client.get(edit_url(page)).content.decode()
        assert "自动检查通过，请审核人注意提醒项" in html and "“按排”疑为错别字，应为“安排”" in html

    def test_the_page_is_locked_to_its_editor_while_in_review(self, client, department, people):
        page = draft_article(column_of(department, "tzgg"), "审核中的通知", user=people["editor"])
        submit(page, people["editor"])
        client.force_login(people["editor"])
        client.post(edit_url(page), edit_form(page, "偷偷修改", **{"action-save": "1"}))
        assert "偷偷修改" not in Page.objects.get(pk=page.pk).get_latest_revision().content["body"]


class TestIsolation:
    def test_another_sites_reviewer_can_neither_see_nor_act(self, client, department, people):
        page = draft_article(column_of(department, "tzgg"), "教育局的通知", user=people["editor"])
        submit(page, people["editor"])
        task_state = Page.objects.get(pk=page.pk).specific.current_workflow_task_state
        client.force_login(people["other_reviewer"])

        assert "教育局的通知" not in client.get(reverse("wagtailadmin_home")).content.decode()
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
        response = client.post(url, {"comment": "越权"})
        assert response.status_code in (302, 403)
        assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS
        assert client.get(reverse("workflow:report", args=[page.pk])).status_code in (302, 403)

    def test_the_review_queue_lists_only_the_users_own_tasks(self, client, department, township, people):
        ours = draft_article(column_of(department, "tzgg"), "教育局待审", user=people["editor"])
        theirs = draft_article(column_of(township, "tzgg"), "水阳镇待审", user=people["other_editor"])
        submit(ours, people["editor"])
        submit(theirs, people["other_editor"])
        client.force_login(people["reviewer"])
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "待我审核" in html and "教育局待审" in html and "水阳镇待审" not in html


class TestWordListsAdmin:
    def test_only_the_info_center_keeps_the_lists(self, client, people):
        url = reverse("workflow_sensitiveword:index")
        client.force_login(people["reviewer"])
        assert client.get(url).status_code in (302, 403)
        client.force_login(people["info"])
        assert client.get(url).status_code == 200
        response = client.post(
            reverse("workflow_sensitiveword:add"), {"word": "新敏感词", "category": "other", "severity": "warn"}
        )
        assert response.status_code == 302 and SensitiveWord.objects.filter(word="新敏感词").exists()


class TestAudit:
    def test_each_site_sees_its_own_history_and_can_export_it(self, client, department, township, people):
        ours = draft_article(column_of(department, "tzgg"), "教育局审计", user=people["editor"])
        theirs = draft_article(column_of(township, "tzgg"), "水阳镇审计", user=people["other_editor"])
        submit(ours, people["editor"])
        submit(theirs, people["other_editor"])
        assert PageLogEntry.objects.filter(page=ours, action="workflow.auto_check").exists()

        client.force_login(people["reviewer"])
        html = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
        assert "教育局审计" in html and "水阳镇审计" not in html and "自动检查" in html
        csv = client.get(reverse("wagtailadmin_reports:site_history") + "?export=csv")
        body = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")
        assert "教育局审计" in body and "水阳镇审计" not in body
        html = client.get(reverse("workflow:audit")).content.decode()  # the 站点 filter offers only their site
        assert "教育局审计" in html and "水阳镇审计" not in html
        assert "宣州区教育局</option>" in html and "水阳镇人民政府</option>" not in html


class TestDirectPublishingElsewhere:
    def test_a_new_page_cannot_be_published_without_review(self, client, department, people):
        column = column_of(department, "tzgg")
        client.force_login(people["reviewer"])
        url = reverse("wagtailadmin_pages:add", args=["content", "articlepage", column.pk])
        assert 'name="action-publish"' not in client.get(url).content.decode()
        page = Page(title="x", slug="x")  # only for the form helper's title/slug/date
        page.publication_date = timezone.now()
        response = client.post(url, edit_form(page, "新建直接发布", **{"action-publish": "1"}), follow=True)
        assert "本站信息须经审核流程发布" in response.content.decode()
        # Nothing typed is lost: the new page is kept as a draft, not published.
        assert not Page.objects.get(title="x").live

    def test_bulk_publishing_is_refused(self, client, department, people):
        page = draft_article(column_of(department, "tzgg"), "批量发布", user=people["editor"])
        client.force_login(people["reviewer"])
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={page.pk}"
        response = client.post(url, {}, follow=True)
        assert "“批量发布”不能发布：本站信息须经审核流程发布" in response.content.decode()
        assert not Page.objects.get(pk=page.pk).live


def test_the_info_center_shapes_workflows_in_the_admin(client, people):
    client.force_login(people["info"])
    assert client.get(reverse("wagtailadmin_workflows:index")).status_code == 200
    assert client.get(reverse("wagtailadmin_workflows:task_index")).status_code == 200
    client.force_login(people["reviewer"])
    assert client.get(reverse("wagtailadmin_workflows:index")).status_code in (302, 403)


def test_the_info_center_exports_one_sites_audit_log(client, department, township, people):
    from wagtail.models import Site

    ours = draft_article(column_of(department, "tzgg"), "教育局审计项", user=people["editor"])
    theirs = draft_article(column_of(township, "tzgg"), "水阳镇审计项", user=people["other_editor"])
    submit(ours, people["editor"])
    submit(theirs, people["other_editor"])
    client.force_login(people["info"])
    url = reverse("workflow:audit")
    everything = client.get(url).content.decode()
    assert "教育局审计项" in everything and "水阳镇审计项" in everything

    response = client.get(url, {"site": Site.objects.get(pk=township.pk).pk, "export": "csv"})
    body = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert "水阳镇审计项" in body and "教育局审计项" not in body and "自动检查" in body
