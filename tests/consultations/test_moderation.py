"""Moderation: 待审核 → 已公开 / 不予公开, 已公开 → 不予公开; every other step refused.

A word-list hit holds a comment until a moderator confirms it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import PageLogEntry

from cms.consultations.actions import ApproveCommentAction, CommentRefused, RefuseCommentAction
from cms.consultations.models import CommentState
from cms.workflow.models import SensitiveWord

from .conftest import make_consultation, submit_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(department, make_user):
    return make_user(department, "reviewer")


def test_a_pending_comment_is_approved_and_logged(open_consultation, reviewer):
    comment = submit_comment(open_consultation)
    assert comment.state == CommentState.PENDING

    ApproveCommentAction(comment, user=reviewer).execute()

    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED
    assert comment.moderated_by == reviewer and comment.moderated_at
    entry = PageLogEntry.objects.get(page=open_consultation, action="consultations.approve_comment")
    assert entry.user == reviewer and entry.data["comment_id"] == comment.pk
    assert log_action_registry.get_action_label(entry.action) == "公开征集意见"


def test_a_pending_comment_is_refused_with_a_note(open_consultation, reviewer):
    comment = submit_comment(open_consultation)
    RefuseCommentAction(comment, user=reviewer, note="与本次征集内容无关").execute()
    comment.refresh_from_db()
    assert comment.state == CommentState.REFUSED and comment.moderation_note == "与本次征集内容无关"
    assert PageLogEntry.objects.filter(page=open_consultation, action="consultations.refuse_comment").exists()


def test_a_published_comment_can_be_withdrawn(open_consultation, reviewer):
    comment = submit_comment(open_consultation)
    ApproveCommentAction(comment, user=reviewer).execute()
    RefuseCommentAction(comment, user=reviewer).execute()
    comment.refresh_from_db()
    assert comment.state == CommentState.REFUSED


@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        ("approve", "approve", "已公开"),
        ("refuse", "approve", "不能再公开"),
        ("refuse", "refuse", "已是不予公开"),
    ],
)
def test_refused_transitions(open_consultation, reviewer, first, then, message):
    actions = {"approve": ApproveCommentAction, "refuse": RefuseCommentAction}
    comment = submit_comment(open_consultation)
    actions[first](comment, user=reviewer).execute()
    comment.refresh_from_db()
    entries = PageLogEntry.objects.count()
    with pytest.raises(CommentRefused, match=message):
        actions[then](comment, user=reviewer).execute()
    assert PageLogEntry.objects.count() == entries


def test_a_stale_copy_does_not_approve_a_comment_refused_meanwhile(open_consultation, reviewer):
    comment = submit_comment(open_consultation)
    stale = type(comment).objects.get(pk=comment.pk)
    RefuseCommentAction(comment, user=reviewer).execute()
    with pytest.raises(CommentRefused):
        ApproveCommentAction(stale, user=reviewer).execute()  # checked again on the locked row
    comment.refresh_from_db()
    assert comment.state == CommentState.REFUSED


def test_a_word_list_hit_holds_the_comment_until_confirmed(open_consultation, reviewer):
    SensitiveWord.objects.create(word="法轮功", category="political", severity="block")
    comment = submit_comment(open_consultation, content="有人在小区散发法轮功传单，建议加强管理。")
    assert comment.state == CommentState.PENDING
    assert [f["what"] for f in comment.findings] == ["法轮功"]

    with pytest.raises(CommentRefused, match="法轮功"):
        ApproveCommentAction(comment, user=reviewer).execute()
    comment.refresh_from_db()
    assert comment.state == CommentState.PENDING

    ApproveCommentAction(comment, user=reviewer, confirm_findings=True).execute()
    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED


def test_comments_of_a_never_published_consultation_are_never_approved(department, reviewer):
    page = make_consultation(department, comment_mode="never_published")
    comment = submit_comment(page)
    assert comment.state == CommentState.REFUSED
    with pytest.raises(CommentRefused):
        ApproveCommentAction(comment, user=reviewer).execute()


def test_an_anonymous_or_foreign_user_is_refused(open_consultation, township, make_user):
    comment = submit_comment(open_consultation)
    with pytest.raises(PermissionDenied):
        ApproveCommentAction(comment, user=make_user(township, "site_admin")).execute()
    comment.refresh_from_db()
    assert comment.state == CommentState.PENDING


def test_an_overlong_note_is_refused_in_chinese(open_consultation, reviewer):
    comment = submit_comment(open_consultation)
    with pytest.raises(CommentRefused, match="最多 500 个字"):
        RefuseCommentAction(comment, user=reviewer, note="理" * 501).execute()


def test_the_queue_decides_through_the_actions(client, open_consultation, reviewer):
    SensitiveWord.objects.create(word="法轮功", category="political", severity="block")
    held = submit_comment(open_consultation, content="法轮功相关内容的举报意见。")
    plain = submit_comment(open_consultation, content="建议公交线路延伸到开发区。")
    client.force_login(reviewer)

    queue = client.get("/admin/consultations/comments/")
    assert queue.status_code == 200
    assert "建议公交线路延伸到开发区" in queue.content.decode()
    assert "已核实，确认公开" in queue.content.decode()

    client.post(f"/admin/consultations/comments/{plain.pk}/decide/", {"decision": "approve"})
    refused = client.post(f"/admin/consultations/comments/{held.pk}/decide/", {"decision": "approve"}, follow=True)
    assert "请核实后勾选" in refused.content.decode()
    client.post(f"/admin/consultations/comments/{held.pk}/decide/", {"decision": "approve", "confirm_findings": "1"})
    plain.refresh_from_db()
    held.refresh_from_db()
    assert (plain.state, held.state) == (CommentState.PUBLISHED, CommentState.PUBLISHED)


def test_the_moderation_queue_is_in_the_interaction_menu(rf, department, make_user):
    """意见征集审核 sits under 互动交流 (with 来信办理), not beside it at the top of the admin menu."""
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = make_user(None, "信息中心")
    top = {item.label: item for item in admin_menu.menu_items_for_request(request)}
    assert "意见征集审核" not in top
    interaction = [item.label for item in top["互动交流"].menu.menu_items_for_request(request)]
    assert interaction[0] == "来信办理" and "意见征集审核" in interaction
