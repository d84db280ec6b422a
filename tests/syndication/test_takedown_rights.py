"""Who may take down and restore (issue 14): takedown needs the right to publish the item,
only content items are taken down, the info center's takedowns are undone only by the
info center, and a takedown's details are shown only to whoever may restore it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cms.syndication.errors import SyndicationError
from cms.syndication.models import Takedown, TakedownKind
from cms.syndication.takedown import RestoreAction, TakeDownAction, restore, take_down

from ..conftest import column_of
from .conftest import fetch

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# --- restoring needs at least the rights the takedown needed ------------------------------


@pytest.mark.parametrize("role", ["editor", "reviewer", "site_admin"])
def test_a_site_cannot_undo_the_info_centers_takedown(township, item, editor_of, info_center, role):
    take_down(item, TakedownKind.VANISH, "紧急下架", info_center)
    with pytest.raises(PermissionDenied):
        RestoreAction(item, editor_of(township, role), "本站恢复").check()
    with pytest.raises(PermissionDenied):
        restore(item, editor_of(township, role), "本站恢复")
    assert Takedown.objects.get(item=item).is_active


def test_the_info_center_restores_its_own_takedown(township, item, info_center):
    take_down(item, TakedownKind.VANISH, "紧急下架", info_center)
    assert restore(item, info_center, "核实无误").restored_by == info_center


def test_a_sites_own_takedown_is_restored_by_the_site_or_the_info_center(township, item, editor_of, info_center):
    take_down(item, TakedownKind.GONE, "本站撤回", editor_of(township, "reviewer"))
    assert not Takedown.objects.get(item=item).by_info_center
    restore(item, editor_of(township, "leader"), "恢复")
    take_down(item, TakedownKind.GONE, "本站撤回", editor_of(township, "reviewer"))
    restore(item, info_center, "恢复")


def test_the_site_editor_cannot_restore_through_the_admin_either(client, township, item, editor_of, info_center):
    takedown = take_down(item, TakedownKind.VANISH, "紧急下架", info_center).takedown
    login(client, editor_of(township, "editor"))
    client.post(reverse("syndication:restore", args=[takedown.pk]), {"reason": "本站恢复"})
    takedown.refresh_from_db()
    assert takedown.is_active


# --- taking down needs the right to publish the item, and only content items --------------


def test_a_plain_editor_cannot_take_down_even_their_own_sites_item(client, township, item, editor_of):
    editor = editor_of(township, "editor")
    with pytest.raises(PermissionDenied):
        take_down(item, TakedownKind.GONE, "下架", editor)
    login(client, editor)
    response = client.post(
        reverse("syndication:takedown", args=[item.pk]), {"kind": "gone", "reason": "下架", "confirm": "1"}
    )
    assert response.status_code == 302  # Wagtail's permission_denied
    assert not Takedown.objects.exists()
    item.refresh_from_db()
    assert item.live


@pytest.mark.parametrize("role", ["reviewer", "leader", "site_admin"])
def test_a_role_that_may_publish_takes_down_its_sites_item(township, item, editor_of, role):
    assert take_down(item, TakedownKind.GONE, "下架", editor_of(township, role)).created


@pytest.mark.parametrize("where", ["column", "home"])
@pytest.mark.parametrize("kind", [TakedownKind.GONE, TakedownKind.VANISH, TakedownKind.WITHDRAWN])
def test_columns_and_home_pages_are_not_taken_down_by_anybody(
    client, township, item, editor_of, info_center, superuser, where, kind
):
    page = column_of(township, "gzdt") if where == "column" else township.root_page
    for user in (editor_of(township, "site_admin"), info_center, superuser):
        with pytest.raises(SyndicationError, match="只能下架信息"):
            TakeDownAction(page, kind, "关停栏目", user).check()
    login(client, info_center)
    response = client.post(
        reverse("syndication:takedown", args=[page.pk]), {"kind": kind, "reason": "关停栏目", "confirm": "1"}
    )
    assert response.status_code == 200 and "只能下架信息" in response.content.decode()
    assert not Takedown.objects.exists()
    # Said at once, before any form is filled in.
    screen = client.get(reverse("syndication:takedown", args=[page.pk])).content.decode()
    assert "只能下架信息" in screen and 'name="reason"' not in screen
    page.refresh_from_db()
    assert page.live


@pytest.mark.parametrize(("kind", "status"), [(TakedownKind.GONE, 410), (TakedownKind.VANISH, 404)])
def test_a_takedown_takes_effect_at_once_even_for_a_cached_page(
    client, township, item, info_center, committed, kind, status
):
    assert fetch(client, item).status_code == 200
    assert fetch(client, item)["X-Page-Cache"] == "hit"
    with committed():
        take_down(item, kind, "下架", info_center)
    assert fetch(client, item).status_code == status


def test_a_redirect_takedown_takes_effect_at_once_for_a_cached_page(client, township, item, info_center, committed):
    fetch(client, item)
    assert fetch(client, item)["X-Page-Cache"] == "hit"
    replacement = column_of(township, "tzgg")
    with committed():
        take_down(item, TakedownKind.REDIRECT, "改版", info_center, replacement=replacement)
    response = fetch(client, item)
    assert response.status_code == 302 and response["Location"].endswith("/tzgg/")


# --- the restore screen shows a takedown only to whoever may restore it --------------------


def test_another_sites_editor_cannot_see_a_takedown(client, township, department, item, editor_of):
    takedown = take_down(item, TakedownKind.VANISH, "涉密信息误发", editor_of(township, "reviewer")).takedown
    login(client, editor_of(department, "site_admin"))
    response = client.get(reverse("syndication:restore", args=[takedown.pk]))
    assert response.status_code == 302  # Wagtail's permission_denied, nothing of the takedown shown
    assert "涉密信息误发" not in response.content.decode()
    login(client, editor_of(township, "leader"))
    assert "涉密信息误发" in client.get(reverse("syndication:restore", args=[takedown.pk])).content.decode()


def test_the_site_cannot_see_the_info_centers_takedown_on_the_restore_screen(
    client, township, item, editor_of, info_center
):
    takedown = take_down(item, TakedownKind.VANISH, "上级通报", info_center).takedown
    login(client, editor_of(township, "site_admin"))
    assert client.get(reverse("syndication:restore", args=[takedown.pk])).status_code == 302
    login(client, info_center)
    assert "上级通报" in client.get(reverse("syndication:restore", args=[takedown.pk])).content.decode()
