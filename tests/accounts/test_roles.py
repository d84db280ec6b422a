"""Roles by permission: each info-center capability is a Django permission its roles hold."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cms.accounts.roles import (
    AUDIT_ADMIN,
    INFO_CENTER_GROUP,
    SECURITY_ADMIN,
    SYSTEM_ADMIN,
    ensure_info_center_roles,
    site_groups,
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


def test_syndication_capabilities_are_granted_once_that_app_defines_them(make_user):
    ensure_info_center_roles()  # absent: tolerated
    content_type = ContentType.objects.get(app_label="syndication", model="pushrecord")
    for codename in ("take_down_anywhere", "view_syndication_records"):
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": codename})
    ensure_info_center_roles()
    for group in (INFO_CENTER_GROUP, SYSTEM_ADMIN):
        user = make_user(None, group)
        assert user.has_perm("syndication.take_down_anywhere") and user.has_perm("syndication.view_syndication_records")
    assert not make_user(None, SECURITY_ADMIN).has_perm("syndication.take_down_anywhere")


def test_ensuring_the_roles_again_changes_nothing():
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.filter(name__in=GROUPS)}
    ensure_info_center_roles()
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.filter(name__in=GROUPS)}
    assert before == after and set(after) == set(GROUPS)


def test_two_factor_is_offered_by_permission(client, make_user, department):
    client.force_login(make_user(None, SYSTEM_ADMIN))
    assert client.get(reverse("accounts:2fa_setup")).status_code == 200
    client.force_login(make_user(department, "site_admin"))
    assert client.get(reverse("accounts:2fa_setup")).status_code != 200


def test_a_renamed_site_keeps_its_role_groups(department):
    groups = site_groups(department)
    department.site_name = "宣州区教育体育局"
    department.save()
    assert site_groups(department) == groups and set(groups) == {"editor", "reviewer", "leader", "site_admin"}
