"""Per-site editorial groups: the roles every site has, and each site's group for a role.

A group is tied to its site and role by ``SiteGroup`` (foreign keys and a role
key), never by its display name, so renaming a site or its organisation leaves
accounts, workflows and permissions as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from wagtail.models import Site

from .models import SiteGroup


@dataclass(frozen=True)
class RoleSpec:
    """A per-site role: its key, its label (the group name's suffix) and what it may do in that site."""

    key: str
    label: str
    page_permissions: tuple[str, ...]
    collection_permissions: tuple[str, ...] = field(
        default=(
            "add_image",
            "change_image",
            "choose_image",
            "add_document",
            "change_document",
            "choose_document",
        )
    )


# Page permissions are Wagtail's (add/change/publish …) granted on the site's root
# page only, so they reach that subtree alone. 编辑 write and submit; 审核 (初审) and
# 领导 (终审/保密审查) act in the site's review workflow; 站点管理员 keeps the site's
# columns and settings (never accounts).
ROLES: tuple[RoleSpec, ...] = (
    RoleSpec("editor", "编辑", ("add_page", "change_page")),
    RoleSpec("reviewer", "审核", ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")),
    RoleSpec("leader", "领导", ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")),
    RoleSpec("site_admin", "站点管理员", ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")),
)
ROLE_BY_KEY: dict[str, RoleSpec] = {role.key: role for role in ROLES}


def group_name(site_name: str, role: RoleSpec) -> str:
    """The display name a new per-site group gets; never used to find it again."""
    return f"{site_name}·{role.label}"


def site_group(site: Site, role: str) -> Group:
    """The site's group for a role key; ``Group.DoesNotExist`` if the site has none."""
    group = Group.objects.filter(site_role__site=site, site_role__role=role).first()
    if group is None:
        raise Group.DoesNotExist(f"站点“{site.site_name}”没有角色“{role}”的用户组。")
    return group


def site_groups(site: Site) -> dict[str, Group]:
    """The site's groups by role key (editor, reviewer, leader, site_admin)."""
    links = SiteGroup.objects.filter(site=site).select_related("group")
    return {link.role: link.group for link in links}


def site_of_group(group: Group) -> Site | None:
    """The site a per-site group belongs to; None for any other group (e.g. the info center's)."""
    link = SiteGroup.objects.filter(group=group).select_related("site").first()
    return link.site if link else None


def role_of_group(group: Group) -> str | None:
    """The role key of a per-site group; None for any other group."""
    return SiteGroup.objects.filter(group=group).values_list("role", flat=True).first()


def sites_of_user(user, roles: tuple[str, ...]) -> set[int]:
    """The ids of the sites where ``user`` belongs to the group of one of ``roles`` (role keys),
    remembered on the user object for the request."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    remembered = user.__dict__.setdefault("_sites_by_roles", {})
    if roles not in remembered:
        remembered[roles] = set(
            SiteGroup.objects.filter(group__user=user, role__in=roles).values_list("site_id", flat=True)
        )
    return remembered[roles]
