"""Roles by permission: each info-center capability is a Django permission its roles hold."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from cms.accounts.roles import (
    AUDIT_ADMIN,
    INFO_CENTER_GROUP,
    SECURITY_ADMIN,
    SYSTEM_ADMIN,
    ensure_info_center_roles,
    info_center_group,
)

pytestmark = pytest.mark.django_db

GROUPS = (INFO_CENTER_GROUP, SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
# capability: which of GROUPS hold it
CAPABILITIES = {
    "workflow.emergency_publish": (True, True, False, False),
    "workflow.view_emergencypublication": (True, True, False, False),
    "wagtailcore.change_workflow": (True, True, False, False),
    "accounts.manage_accounts": (False, False, True, False),
    "accounts.view_audit_log": (False, False, False, True),
    "accounts.set_up_two_factor": (True, True, True, True),
    "sites.change_siteappearance": (False, True, False, False),
}


@pytest.mark.parametrize(
    ("permission", "group", "held"),
    [(p, g, held) for p, row in CAPABILITIES.items() for g, held in zip(GROUPS, row, strict=True)],
)
def test_each_capability_is_held_by_exactly_its_roles(make_user, permission, group, held):
    assert make_user(None, group).has_perm(permission) is held


def test_the_system_admin_holds_everything_the_info_center_does(make_user):
    info = make_user(None, INFO_CENTER_GROUP)
    system = make_user(None, SYSTEM_ADMIN)
    assert info.get_all_permissions() <= system.get_all_permissions()


def test_the_info_center_and_the_system_admin_may_take_down_anywhere(make_user):
    for group in (INFO_CENTER_GROUP, SYSTEM_ADMIN):
        user = make_user(None, group)
        assert user.has_perm("syndication.take_down_anywhere") and user.has_perm("syndication.view_syndication_records")
    assert not make_user(None, SECURITY_ADMIN).has_perm("syndication.take_down_anywhere")


def _grants() -> dict[str, set[int]]:
    return {role: set(info_center_group(role).permissions.values_list("pk", flat=True)) for role in GROUPS}


def test_ensuring_the_roles_again_changes_nothing():
    before = _grants()
    ensure_info_center_roles()
    assert _grants() == before and all(before.values())


def test_renaming_an_info_center_group_changes_nothing():
    before = _grants()
    groups = Group.objects.count()
    for role in GROUPS:
        group = info_center_group(role)
        group.name = f"{group.name}（改名）"
        group.save()
    ensure_info_center_roles()  # as after the next migrate
    assert Group.objects.count() == groups and _grants() == before
