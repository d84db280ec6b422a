"""Demo data for ``load_demo``: the three info-center accounts and the demo site accounts' records."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.models import Site

from .models import AccountProfile, InfoCenterRole
from .roles import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN, ensure_info_center_roles, site_groups

INFO_CENTER_DEMO = (("xxzx_sys", SYSTEM_ADMIN), ("xxzx_sec", SECURITY_ADMIN), ("xxzx_audit", AUDIT_ADMIN))


def load_demo_accounts(password: str) -> int:
    """Idempotent: creates what is missing and returns how many users it created."""
    User = get_user_model()
    groups = ensure_info_center_roles()
    created = 0
    for username, group in INFO_CENTER_DEMO:
        if not User.objects.filter(username=username).exists():
            user = User.objects.create_user(
                username, password=password, first_name=f"信息中心{InfoCenterRole(group).label}"
            )
            user.groups.add(groups[group])
            created += 1
    # The demo's per-site accounts get their site, role and a responsible person.
    for site in Site.objects.all():
        for role, group in site_groups(site).items():
            for user in group.user_set.filter(account__isnull=True):
                AccountProfile.objects.create(
                    user=user, site=site, role=role, responsible_name="演示责任人", responsible_phone="0563-3020000"
                )
    return created
