"""Roles: the info center's groups and their capabilities, and each site's role groups.

Capabilities are Django permissions (``user.has_perm("workflow.emergency_publish")``),
never a group's name: a rule asks what a user may do, and this module alone
decides which groups hold it. The groups are kept in step after every ``migrate``
(``ensure_info_center_roles``, a ``post_migrate`` handler in ``apps.py``) because
permissions, the page tree and the root collection exist only then.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from sites.groups import ROLES, site_groups

from .errors import AccountError
from .models import AccountRole, InfoCenterGroup, InfoCenterRole

# The info center's roles by key (``InfoCenterGroup`` ties each to its group).
INFO_CENTER_GROUP = InfoCenterRole.INFO_CENTER
SYSTEM_ADMIN = InfoCenterRole.SYSTEM_ADMIN
SECURITY_ADMIN = InfoCenterRole.SECURITY_ADMIN
AUDIT_ADMIN = InfoCenterRole.AUDIT_ADMIN
# For people and files that name a role by its label (the account import's 角色 column, tests).
INFO_CENTER_ROLE_KEYS: dict[str, str] = {label: key for key, label in InfoCenterRole.choices}

TWO_FACTOR = "accounts.set_up_two_factor"
MANAGE_ACCOUNTS = "accounts.manage_accounts"
VIEW_AUDIT_LOG = "accounts.view_audit_log"
WAGTAIL_WORKFLOW_ADMIN = tuple(
    f"wagtailcore.{a}_{m}" for m in ("workflow", "task") for a in ("add", "change", "delete")
)
WORD_LISTS = tuple(
    f"workflow.{a}_{m}"
    for m in ("sensitiveword", "protectedterm", "typopair", "allowedphrase")
    for a in ("add", "change", "delete", "view")
)
TAXONOMY = tuple(
    f"disclosure.{a}_{m}"
    for m in ("topic", "indexnumberscheme", "workingdayoverride")
    for a in ("add", "change", "delete", "view")
)
# 互动交流: every letter of the cluster, its dispatch, and the reply periods (cms.letters).
LETTERS = (
    "letters.dispatch_letters",
    "letters.view_letter",
    *(f"letters.{a}_replydeadline" for a in ("change", "view")),
)
# 依申请公开: every case of the cluster, overseen (cms.applications).
APPLICATIONS = ("applications.oversee_applications", "applications.view_application")
# 依申请公开 告知书 templates (cms.notices): download, upload, reset to default.
NOTICE_TEMPLATES = ("notices.change_noticetemplate",)
# Defined by the syndication app (cms.syndication.models.Takedown.Meta).
SYNDICATION_CAPABILITIES = ("syndication.take_down_anywhere", "syndication.view_syndication_records")

# The cluster operators' job (信息中心; 系统管理员 holds all of it too).
INFO_CENTER_PERMISSIONS: tuple[str, ...] = (
    "wagtailadmin.access_admin",
    *(f"sites.{a}_{m}" for m in ("organisation", "siteprofile") for a in ("add", "change", "view")),
    *TAXONOMY,
    # Every site's workflows and tasks, the word lists, emergency publication and its records.
    *WAGTAIL_WORKFLOW_ADMIN,
    *WORD_LISTS,
    "workflow.view_emergencypublication",
    "workflow.view_checkreport",
    "workflow.emergency_publish",
    *SYNDICATION_CAPABILITIES,
    *LETTERS,
    *APPLICATIONS,
    *NOTICE_TEMPLATES,
    # 后台任务: the task queue's failures and the scheduled jobs (cms/operations).
    "operations.view_background_tasks",
    # 网站监管: every site's inspection indicators, their recompute and the manual entries (cms/monitoring).
    "monitoring.view_all_indicators",
    *(f"monitoring.{a}_manualentry" for a in ("add", "view")),
    # 访问统计 of every site and the cluster (cms/visits).
    "visits.view_cluster_visits",
    # 政府网站工作年度报表 of every site, read and exported (cms/site_reports).
    "site_reports.view_all_site_reports",
    # 政府信息公开工作年度报告 of every organisation (cms/disclosure).
    "disclosure.oversee_annual_reports",
    TWO_FACTOR,
)
INFO_CENTER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page", "delete_page")
INFO_CENTER_COLLECTION_PERMISSIONS = (
    "add_image", "change_image", "choose_image", "delete_image",
    "add_document", "change_document", "choose_document", "delete_document",
)  # fmt: skip

# 三员分立: no role both changes accounts and touches the audit trail.
INFO_CENTER_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Cluster operations: everything 信息中心 holds plus every site's settings. No accounts, no audit trail.
    SYSTEM_ADMIN: (*INFO_CENTER_PERMISSIONS, "sites.change_siteappearance"),
    # Accounts and security policy: the scoped account views only; no pages, no audit trail.
    SECURITY_ADMIN: ("wagtailadmin.access_admin", MANAGE_ACCOUNTS, "sites.view_siteprofile", TWO_FACTOR),
    # Reads and exports the audit trail; changes nothing. Nobody can edit or erase it from the admin.
    AUDIT_ADMIN: ("wagtailadmin.access_admin", VIEW_AUDIT_LOG, TWO_FACTOR),
}


def permissions(names: tuple[str, ...]) -> list[Permission]:
    """The ``Permission`` rows for "app_label.codename" names; a missing one is an error."""
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(codename__in={c for _, c in wanted}).select_related("content_type")
    }
    missing = sorted(f"{a}.{c}" for a, c in wanted - set(found))
    if missing:
        raise LookupError(f"permissions not found (run migrate): {', '.join(missing)}")
    return [found[key] for key in wanted if key in found]


@transaction.atomic
def ensure_info_center_group() -> Group:
    """The cluster operators' group: every site's pages and media, 站群管理 and the info center's capabilities.

    Idempotent and additive (a grant the info center added in the admin stays)."""
    group = _tied_group(INFO_CENTER_GROUP)
    group.permissions.add(*permissions(INFO_CENTER_PERMISSIONS))
    _grant_whole_tree(group)
    return group


def _grant_whole_tree(group: Group) -> None:
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    if root_page is None or root_collection is None:
        return  # a flushed database (transactional tests) has no tree yet
    by_codename = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label__in=("wagtailcore", "wagtailimages", "wagtaildocs"),
            codename__in=INFO_CENTER_PAGE_PERMISSIONS + INFO_CENTER_COLLECTION_PERMISSIONS,
        )
    }
    for codename in INFO_CENTER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=by_codename[codename])
    for codename in INFO_CENTER_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=by_codename[codename]
        )


@transaction.atomic
def ensure_info_center_roles() -> dict[str, Group]:
    """信息中心 and the three 三员分立 groups, each with exactly its role's permissions (idempotent)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    groups = {INFO_CENTER_GROUP: ensure_info_center_group()}
    for role, wanted in INFO_CENTER_ROLE_PERMISSIONS.items():
        group = _tied_group(role)
        group.permissions.set(permissions(wanted))
        if role == SYSTEM_ADMIN:
            _grant_whole_tree(group)
        else:
            # No pages or media at all: Wagtail's migrations hand every admin group
            # choose rights on the root collection (wagtaildocs 0011), which would let
            # the 安全管理员 and 审计管理员 list every site's files.
            GroupPagePermission.objects.filter(group=group).delete()
            GroupCollectionPermission.objects.filter(group=group).delete()
        groups[role] = group
    return groups


def info_center_group(role: str) -> Group:
    """The group of an info-center role key; ``Group.DoesNotExist`` before the first ``migrate``."""
    group = Group.objects.filter(info_center_role__role=role).first()
    if group is None:
        raise Group.DoesNotExist(f"信息中心角色“{role}”还没有用户组（请先运行 migrate）。")
    return group


def _tied_group(role: str) -> Group:
    link = InfoCenterGroup.objects.select_related("group").filter(role=role).first()
    if link is not None:
        return link.group
    # First setup only: the group the install made (migration accounts.0002) or a new one.
    # From then on it is found by its key, whatever it is renamed to.
    group, _ = Group.objects.get_or_create(name=InfoCenterRole(role).label)
    InfoCenterGroup.objects.create(role=role, group=group)
    return group


# ------------------------------------------------------------------ a site's role groups


ROLE_LABELS: dict[str, str] = {role.key: role.label for role in ROLES}  # editor → 编辑 …


def site_role_group(site: Site, role: str) -> Group:
    """The site's group for one role key; a clear error when the role or the group does not exist."""
    if role not in ROLE_LABELS:
        raise AccountError(f"未知的角色“{role}”。")
    group = site_groups(site).get(role)  # sites.groups: by key, never by name
    if group is None:
        raise AccountError(f"站点“{site.site_name}”没有“{ROLE_LABELS[role]}”用户组，请检查站点是否由站群开通。")
    return group


def grant_site_admin_settings(site: Site) -> None:
    """The site's 站点管理员 may edit that site's appearance settings, and no other site's."""
    permission = Permission.objects.get(content_type__app_label="sites", codename="change_siteappearance")
    GroupSitePermission.objects.get_or_create(
        group=site_role_group(site, AccountRole.SITE_ADMIN), site=site, permission=permission
    )
