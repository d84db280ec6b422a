"""Defect 1 of issue 13: a taken-down page went live again through the review workflow."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cms.syndication.models import TakedownKind
from cms.syndication.takedown import take_down
from core.publishing import PublishRefused
from tests.conftest import column_of, publish_article, publish_through_workflow

pytestmark = pytest.mark.django_db


def test_takedown_then_workflow_approval_is_refused(
    department, superuser, make_user, django_capture_on_commit_callbacks
):
    page = publish_article(column_of(department, "tzgg"), "将被下架的通知")
    with django_capture_on_commit_callbacks(execute=True):  # the unpublish runs after commit
        take_down(page, TakedownKind.GONE, "内容有误", superuser)
    editor = make_user(department, "editor")
    reviewers = [make_user(department, "reviewer"), make_user(department, "leader")]
    page = page.specific
    page.title = "改过的标题"
    page.save_revision(user=editor)
    with pytest.raises(PublishRefused):
        publish_through_workflow(page, editor=editor, reviewers=reviewers)
    assert not Page.objects.get(pk=page.pk).live


def test_untaken_page_publishes_through_workflow(department, make_user):
    page = publish_article(column_of(department, "tzgg"), "普通通知")
    editor = make_user(department, "editor")
    reviewers = [make_user(department, "reviewer"), make_user(department, "leader")]
    page = page.specific
    page.title = "普通通知（修订）"
    page.save_revision(user=editor)
    publish_through_workflow(page, editor=editor, reviewers=reviewers)
    assert Page.objects.get(pk=page.pk).title == "普通通知（修订）"
