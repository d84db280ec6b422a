"""A taken-down item stays down on every path that publishes, until it is restored.

For each kind (删除 takes every page offline, 撤销 keeps them live with a notice),
the item is taken down, a new revision is saved, and then it is published through
every entry point Wagtail and the cluster have: the edit view (superuser and site
reviewer), the review workflow, the bulk action, the scheduler, 紧急发布, the admin
API and ``revision.publish()`` from code. Each is refused with the Chinese message,
and the item — with its alias and copy in other sites — is exactly as the takedown
left it. Restore then brings all of them back.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.syndication.models import PushMode, Takedown, TakedownKind
from cms.syndication.push import accept, push
from cms.syndication.takedown import restore, take_down
from core.publishing import PublishRefused
from tests.conftest import column_of, publish_article, publish_through_workflow

from .conftest import fetch

pytestmark = pytest.mark.django_db

REFUSED = "该信息已被下架"
BODY = "全镇干部群众参加"
NEW_TITLE = "改过的标题"
KINDS = [TakedownKind.GONE, TakedownKind.WITHDRAWN]


@pytest.fixture
def spread(portal, township, department, item, editor_of):
    """The township's item, adopted by the portal as an alias and by a department as a copy."""
    alias_push, copy_push = (
        o.record
        for o in push(
            item, [column_of(portal, "tzgg"), column_of(department, "gzdt")], PushMode.ALIAS, editor_of(township)
        )
    )
    copy_push.mode = PushMode.COPY
    copy_push.save()
    accept(alias_push, editor_of(portal))
    accept(copy_push, editor_of(department))
    alias_push.refresh_from_db()
    copy_push.refresh_from_db()
    return [item, alias_push.resulting_page, copy_push.resulting_page]


@pytest.fixture
def taken_down(request, spread, superuser, committed):
    """The item taken down (kind from the test's parameter), then edited: a new revision waits."""
    kind = request.param
    with committed():
        take_down(spread[0], kind, "内容有误", superuser)
    page = Page.objects.get(pk=spread[0].pk).specific
    page.title = NEW_TITLE
    page.save_revision(user=superuser)
    return kind, spread


def assert_still_taken_down(kind, pages) -> None:
    item = Page.objects.get(pk=pages[0].pk)
    assert Takedown.objects.filter(item=item, restored_at__isnull=True).exists()
    for page in Page.objects.filter(pk__in=[p.pk for p in pages]):
        assert page.live is (kind == TakedownKind.WITHDRAWN), page
    if kind == TakedownKind.WITHDRAWN:  # (an offline page's row holds its latest draft, as in Wagtail)
        assert item.title != NEW_TITLE, "the new revision did not go live"


def assert_restored_everywhere(client, pages) -> None:
    for page in pages:
        page = Page.objects.get(pk=page.pk)
        assert page.live
        response = fetch(client, page)
        assert response.status_code == 200 and BODY in response.content.decode()


def edit_view_publish(client, user, page):
    page = Page.objects.get(pk=page.pk).specific
    client.force_login(user)
    data = nested_form_data(
        {
            "title": NEW_TITLE,
            "slug": page.slug,
            "body": rich_text(page.body),
            "publication_date": timezone.localtime(page.publication_date).strftime("%Y-%m-%d %H:%M"),
            "attachments": inline_formset([]),
            "disclosure_mode": page.disclosure_mode,
            "validity": page.validity,
            "action-publish": "action-publish",
        }
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True)


# --- every entry point is refused -------------------------------------------------------


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_the_edit_view_refuses_a_superuser(client, superuser, taken_down):
    kind, pages = taken_down
    response = edit_view_publish(client, superuser, pages[0])
    assert REFUSED in response.content.decode()
    assert_still_taken_down(kind, pages)


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_the_edit_view_refuses_a_site_reviewer(client, township, editor_of, taken_down):
    kind, pages = taken_down
    response = edit_view_publish(client, editor_of(township, "reviewer"), pages[0])
    assert REFUSED in response.content.decode()
    assert_still_taken_down(kind, pages)


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_the_review_workflow_refuses(township, make_user, taken_down):
    kind, pages = taken_down
    editor = make_user(township, "editor")
    reviewers = [make_user(township, "reviewer"), make_user(township, "leader")]
    with pytest.raises(PublishRefused, match=REFUSED):
        publish_through_workflow(Page.objects.get(pk=pages[0].pk), editor=editor, reviewers=reviewers)
    assert_still_taken_down(kind, pages)


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_the_bulk_publish_action_refuses(client, superuser, taken_down):
    kind, pages = taken_down
    client.force_login(superuser)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = client.post(f"{url}?id={pages[0].pk}", {"include_descendants": ""}, follow=True)
    assert REFUSED in response.content.decode()
    assert_still_taken_down(kind, pages)


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_scheduled_publishing_refuses_it_and_still_publishes_the_others(township, superuser, taken_down):
    kind, pages = taken_down
    past = timezone.now() - timedelta(minutes=5)
    other = publish_article(column_of(township, "gzdt"), "另一条定时发布的信息", slug="other")
    scheduled = []
    for page in (Page.objects.get(pk=pages[0].pk).specific, other):
        page.title = NEW_TITLE if page.pk == pages[0].pk else "定时发布成功"
        page.go_live_at = past
        revision = page.save_revision(user=superuser)
        revision.approved_go_live_at = past
        revision.save(update_fields=["approved_go_live_at"])
        scheduled.append(revision)

    call_command("publish_scheduled")

    assert_still_taken_down(kind, pages)
    refused, published = scheduled
    refused.refresh_from_db()
    assert refused.approved_go_live_at is None, "its schedule is cleared, not retried every minute"
    assert Page.objects.get(pk=other.pk).live_revision_id == published.pk


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_emergency_publish_refuses(superuser, taken_down):
    from cms.workflow.actions import EmergencyPublishAction
    from cms.workflow.models import EmergencyPublication

    kind, pages = taken_down
    with pytest.raises(PublishRefused, match=REFUSED):
        EmergencyPublishAction(Page.objects.get(pk=pages[0].pk), user=superuser, reason="紧急发布测试理由").execute()
    assert not EmergencyPublication.objects.exists()
    assert_still_taken_down(kind, pages)


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_the_admin_api_publish_action_refuses(client, superuser, taken_down):
    kind, pages = taken_down
    client.force_login(superuser)
    response = client.post(f"/admin/api/main/pages/{pages[0].pk}/action/publish/", content_type="application/json")
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert_still_taken_down(kind, pages)


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_publishing_a_revision_from_code_refuses(superuser, taken_down):
    kind, pages = taken_down
    revision = Page.objects.get(pk=pages[0].pk).get_latest_revision()
    with pytest.raises(PublishRefused, match=REFUSED):
        revision.publish(user=superuser)
    assert_still_taken_down(kind, pages)


# --- until it is restored -----------------------------------------------------------------


@pytest.mark.parametrize("taken_down", KINDS, indirect=True)
def test_restore_brings_back_the_item_its_alias_and_its_copy(client, superuser, taken_down, committed):
    _kind, pages = taken_down
    with committed():
        restore(pages[0], superuser, "核实无误")
    assert_restored_everywhere(client, pages)
    item = Page.objects.get(pk=pages[0].pk)
    assert item.title != NEW_TITLE, "restore brings back what was live, not the newer draft"
    assert item.has_unpublished_changes


def test_after_restore_the_item_publishes_again(client, superuser, spread, committed):
    take_down(spread[0], TakedownKind.GONE, "内容有误", superuser)
    restore(spread[0], superuser, "核实无误")
    page = Page.objects.get(pk=spread[0].pk).specific
    page.title = NEW_TITLE
    page.save_revision(user=superuser).publish(user=superuser)
    assert Page.objects.get(pk=spread[1].pk).title == NEW_TITLE, "the alias follows its source again"


def test_an_alias_taken_down_on_its_own_stays_down_when_its_source_publishes(client, superuser, spread, committed):
    item, alias, _copy = spread
    with committed():
        take_down(alias, TakedownKind.GONE, "本站不再转载", superuser)
    page = Page.objects.get(pk=item.pk).specific
    page.title = NEW_TITLE
    page.save_revision(user=superuser).publish(user=superuser)

    assert Page.objects.get(pk=item.pk).title == NEW_TITLE
    assert not Page.objects.get(pk=alias.pk).live

    with committed():
        restore(alias, superuser, "恢复转载")
    alias = Page.objects.get(pk=alias.pk)
    assert alias.live and alias.title == NEW_TITLE, "back, and showing its source as it is now"


def test_a_page_live_without_a_revision_comes_back_too(client, superuser, township, item, committed):
    """Pages made live in code (provisioning) may have no live revision: restore records one."""
    Page.objects.filter(pk=item.pk).update(live_revision=None)
    with committed():
        take_down(item, TakedownKind.GONE, "内容有误", superuser)
    with committed():
        restore(item, superuser, "核实无误")
    page = Page.objects.get(pk=item.pk)
    assert page.live and page.live_revision is not None
    assert_restored_everywhere(client, [page])
