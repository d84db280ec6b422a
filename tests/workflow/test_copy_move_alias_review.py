"""Copy, alias and move respect the target's review rules (issue 14).

A page reviewed only by 初审 (a news column's 简易审核) must not become live in a column
whose workflow requires 终审 (通知公告, 政策文件: 标准审核) by being copied there with
"publish copies", aliased there or moved there — through the admin or the actions
themselves. Under the same workflow the reviewed version may go along; a draft copy
is always allowed (it then goes through the target's review)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.actions.move_page import MovePageAction
from wagtail.models import Page

from core.publishing import PublishRefused
from tests.conftest import column_of, publish_through_workflow

from .conftest import draft_article

pytestmark = pytest.mark.django_db
REFUSAL = "本站信息须经审核流程发布"


@pytest.fixture
def reviewer(portal, make_user):
    return make_user(portal, "reviewer")


@pytest.fixture
def news(portal, make_user, reviewer):
    """A portal news item (简易审核: 初审 only), live after its reviewer's approval."""
    editor = make_user(portal, "editor")
    page = draft_article(column_of(portal, "ywdt/zwyw"), "区政府召开常务会议", user=editor, slug="cwhy")
    publish_through_workflow(page, editor=editor, reviewers=[reviewer])
    page = Page.objects.get(pk=page.pk).specific
    assert page.live
    return page


@pytest.fixture
def notices(portal):
    """通知公告: the site's 标准审核 (初审 and 终审)."""
    return column_of(portal, "tzgg")


def nothing_in(column) -> bool:
    return not column.get_children().filter(title="区政府召开常务会议").exists()


# --- copy ------------------------------------------------------------------------------


def test_the_admin_copy_with_publish_copies_makes_no_live_page_past_final_review(client, news, notices, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[news.pk]),
        {"new_title": news.title, "new_slug": "cwhy-copy", "new_parent_page": notices.pk, "publish_copies": "on"},
        follow=True,
    )
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert nothing_in(notices)


def test_copying_a_column_with_its_live_items_is_refused_before_anything_is_copied(
    client, portal, news, notices, reviewer, superuser
):
    """The column's own version may go live there (a superuser saved it), its items may not:
    they would stand under 通知公告's rules (a workflow assignment is not copied). Wagtail's
    copy view has no transaction, so the refusal must come before the first page is copied."""
    column = column_of(portal, "ywdt/zwyw")
    column.save_revision(user=superuser).publish(user=superuser)
    pages_before = Page.objects.count()
    client.force_login(reviewer)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[column.pk]),
        {
            "new_title": column.title,
            "new_slug": "zwyw-copy",
            "new_parent_page": notices.pk,
            "copy_subpages": "on",
            "publish_copies": "on",
        },
        follow=True,
    )
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert Page.objects.count() == pages_before


def test_the_copy_action_with_keep_live_is_refused_and_writes_nothing(news, notices, reviewer):
    pages_before = Page.objects.count()
    with pytest.raises(PublishRefused, match=REFUSAL):
        CopyPageAction(news, to=notices, update_attrs={"slug": "cwhy-copy"}, keep_live=True, user=reviewer).execute()
    assert Page.objects.count() == pages_before


def test_a_draft_copy_is_allowed_and_goes_through_the_targets_review(news, notices, reviewer):
    copy = CopyPageAction(news, to=notices, update_attrs={"slug": "cwhy-copy"}, keep_live=False, user=reviewer)
    page = copy.execute()
    assert not page.live and page.get_workflow() == notices.get_workflow()


def test_a_live_copy_under_the_same_workflow_keeps_its_review(portal, news, reviewer):
    """部门动态 has the same 简易审核 as 政务要闻: the approval holds there too."""
    column = column_of(portal, "ywdt/bmdt")
    page = CopyPageAction(news, to=column, update_attrs={"slug": "cwhy-copy"}, keep_live=True, user=reviewer).execute()
    assert Page.objects.get(pk=page.pk).live


# --- alias -----------------------------------------------------------------------------


def test_an_alias_past_final_review_is_refused_by_the_action(news, notices, reviewer):
    with pytest.raises(PublishRefused, match=REFUSAL):
        CreatePageAliasAction(news, parent=notices, update_slug="cwhy-alias", user=reviewer).execute()
    assert nothing_in(notices)


def test_an_alias_past_final_review_is_refused_in_the_admin(client, news, notices, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[news.pk]),
        {"new_title": news.title, "new_slug": "cwhy-alias", "new_parent_page": notices.pk, "alias": "on"},
        follow=True,
    )
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert nothing_in(notices)


# --- move ------------------------------------------------------------------------------


def test_moving_a_live_page_past_final_review_is_refused_by_the_action(portal, news, notices, reviewer):
    with pytest.raises(PublishRefused, match=REFUSAL):
        MovePageAction(news, notices, pos="last-child", user=reviewer).execute()
    assert Page.objects.get(pk=news.pk).get_parent().pk == column_of(portal, "ywdt/zwyw").pk


def test_moving_a_live_page_past_final_review_is_refused_in_the_admin(client, portal, news, notices, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("wagtailadmin_pages:move_confirm", args=[news.pk, notices.pk]), follow=True)
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert Page.objects.get(pk=news.pk).get_parent().pk == column_of(portal, "ywdt/zwyw").pk


def test_bulk_move_past_final_review_is_refused(client, portal, news, notices, reviewer):
    client.force_login(reviewer)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"]) + f"?id={news.pk}"
    response = client.post(url, {"chooser": notices.pk}, follow=True)
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert Page.objects.get(pk=news.pk).get_parent().pk == column_of(portal, "ywdt/zwyw").pk


def test_moving_within_the_same_workflow_and_reordering_are_allowed(portal, news, reviewer):
    column = column_of(portal, "ywdt/bmdt")
    MovePageAction(news, column, pos="last-child", user=reviewer).execute()
    assert Page.objects.get(pk=news.pk).get_parent().pk == column.pk


def test_a_draft_moves_anywhere(portal, notices, make_user):
    editor = make_user(portal, "editor")
    page = draft_article(column_of(portal, "ywdt/zwyw"), "草稿", user=editor)
    MovePageAction(page, notices, pos="last-child", user=make_user(portal, "reviewer")).execute()
    assert Page.objects.get(pk=page.pk).get_parent().pk == notices.pk


# --- the admin API ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("copy", {"keep_live": True, "slug": "cwhy-copy"}),
        ("create_alias", {"update_slug": "cwhy-alias"}),
        ("move", {"position": "last-child"}),
    ],
)
def test_the_admin_api_refuses_each_with_the_rules_message(client, portal, news, notices, reviewer, action, body):
    client.force_login(reviewer)
    response = client.post(
        f"/admin/api/main/pages/{news.pk}/action/{action}/",
        json.dumps({**body, "destination_page_id": notices.pk}),
        content_type="application/json",
    )
    assert response.status_code == 403 and REFUSAL in response.content.decode()
    assert nothing_in(notices)
    assert Page.objects.get(pk=news.pk).get_parent().pk == column_of(portal, "ywdt/zwyw").pk
