"""Who fills in and who reads the 政府网站工作年度报表.

A site's 站点管理员 (``sites.SiteGroup`` role key ``site_admin``) fills in and generates their
own sites' reports; the info center (permission ``site_reports.view_all_site_reports``,
granted in ``cms/accounts/roles.py``) reads and exports every site's; a superuser does both."""

from __future__ import annotations

from wagtail.models import Site

from sites.groups import sites_of_user

VIEW_ALL = "site_reports.view_all_site_reports"
SITE_ROLES = ("site_admin",)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def sees_all(user) -> bool:
    return _active(user) and user.has_perm(VIEW_ALL)


def editable_site_ids(user) -> set[int]:
    if _active(user) and user.is_superuser:
        return set(Site.objects.values_list("pk", flat=True))
    return sites_of_user(user, SITE_ROLES)


def visible_site_ids(user) -> set[int]:
    if sees_all(user):
        return set(Site.objects.values_list("pk", flat=True))
    return editable_site_ids(user)


def may_edit(user, site_id: int) -> bool:
    return _active(user) and (user.is_superuser or site_id in sites_of_user(user, SITE_ROLES))


def may_view(user, site_id: int) -> bool:
    return sees_all(user) or may_edit(user, site_id)
