"""Defect 1 of issue 13: a taken-down page went live again through the review workflow."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cms.syndication.models import TakedownKind
from cms.syndication.services import take_down
from core.publishing import PublishRefused
from tests.conftest import column_of, publish_article
from tests.workflow.conftest import make_user, submit  # noqa: F401

pytestmark = pytest.mark.django_db


def test_takedown_then_workflow_approval_is_refused(department, superuser, make_user):  # noqa: F811
    page = publish_article(column_of(department, "tzgg"), "将被下架的通知")
    take_down(page, TakedownKind.GONE, "内容有误", superuser)
    editor, reviewer, leader = (make_user(department, label) for label in ("编辑", "审核", "领导"))
    page = page.specific
    page.title = "改过的标题"
    page.save_revision(user=editor)
    state = submit(page, editor)
    first = state.current_task_state
    first.task.specific.on_action(first, reviewer, "approve")
    state.refresh_from_db()
    second = state.current_task_state
    with pytest.raises(PublishRefused):
        second.task.specific.on_action(second, leader, "approve")
    assert not Page.objects.get(pk=page.pk).live
