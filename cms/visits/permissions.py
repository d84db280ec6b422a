"""Who sees which statistics: a site's 站点管理员 their own sites, the info center every site and the cluster.

The info center's capability is the permission ``visits.view_cluster_visits`` (granted in
``cms/accounts/roles.py``); a site's people are found by ``sites.SiteGroup`` role key."""

from __future__ import annotations

from wagtail.models import Site

from sites.groups import sites_of_user

CLUSTER = "visits.view_cluster_visits"
SITE_ROLES = ("site_admin",)


def sees_cluster(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(CLUSTER))


def visible_site_ids(user) -> set[int]:
    """The sites whose statistics ``user`` may open."""
    if sees_cluster(user):
        return set(Site.objects.values_list("pk", flat=True))
    return sites_of_user(user, SITE_ROLES)


def may_view_site(user, site_id: int) -> bool:
    return sees_cluster(user) or site_id in sites_of_user(user, SITE_ROLES)
