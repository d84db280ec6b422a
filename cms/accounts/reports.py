"""The info center's account reports: dormant accounts, login history, the account list, 站群总览."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, Substr
from wagtail.log_actions import log
from wagtail.models import Page, Site

from .lifecycle import check_may_manage, manageable_accounts, unit_accounts
from .models import LoginEvent
from .passwords import days_ago

User = get_user_model()


def dormant_accounts(days: int | None = None):
    """Active unit accounts with no login for ``days`` (DORMANT_ACCOUNT_DAYS); never-used
    accounts count from their creation; info-center accounts are not the 安全管理员's to
    disable. One query, whatever the number of sites."""
    cutoff = days_ago(days if days is not None else settings.DORMANT_ACCOUNT_DAYS)
    return (
        unit_accounts()
        .filter(is_active=True)
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=cutoff)
        .select_related("account__site")
        .order_by("last_seen")
    )


@transaction.atomic
def disable_dormant_accounts(days: int | None = None, *, actor=None) -> list[str]:
    """一键停用: disable every dormant account; returns their usernames."""
    check_may_manage(actor)
    users = list(dormant_accounts(days).select_for_update(of=("self",)))
    User.objects.filter(pk__in=[u.pk for u in users]).update(is_active=False)
    for user in users:
        log(instance=user, action="accounts.disable", user=actor, data={"reason": "dormant"})
    return [u.username for u in users]


def login_history(user, limit: int = 100):
    return LoginEvent.objects.filter(Q(user=user) | Q(user=None, username=user.username))[:limit]


def accounts_list(actor, site: Site | None = None):
    """The accounts ``actor`` may manage (of one site): for the 安全管理员, unit accounts."""
    users = manageable_accounts(actor).select_related("account__site").order_by("username")
    return users.filter(account__site=site) if site is not None else users


def cluster_overview() -> list[dict]:
    """站群管理 at a glance: a fixed number of queries (three) whatever the number of sites."""
    sites = list(
        Site.objects.select_related("profile__organisation", "root_page")
        .annotate(account_count=Count("accounts", filter=Q(accounts__user__is_active=True)))
        .order_by("-is_default_site", "site_name")
    )
    # Every site's root page is at depth 2, so the first 8 characters of a page's
    # path (treebeard, 4 per level) name the site it belongs to.
    prefix = Substr("path", 1, 2 * Page.steplen)
    # order_by() drops Page's default ordering by path, which would otherwise join the
    # GROUP BY and leave one row per page instead of one per site.
    updated = dict(
        Page.objects.filter(depth__gte=2)
        .order_by()
        .annotate(prefix=prefix)
        .values("prefix")
        .annotate(last=Max(Coalesce("last_published_at", "first_published_at")))
        .values_list("prefix", "last")
    )
    waiting = dict(
        Page.objects.filter(depth__gte=2, _workflow_states__status="in_progress")
        .order_by()
        .annotate(prefix=prefix)
        .values("prefix")
        .annotate(n=Count("pk", distinct=True))
        .values_list("prefix", "n")
    )
    rows = []
    for site in sites:
        profile = getattr(site, "profile", None)
        path = site.root_page.path
        rows.append(
            {
                "site": site,
                "profile": profile,
                "site_type": profile.get_site_type_display() if profile else "",
                "status": profile.get_status_display() if profile else "",
                "organisation": profile.organisation.name if profile else "",
                "accounts": site.account_count,
                "last_update": updated.get(path),
                "waiting_for_review": waiting.get(path, 0),
            }
        )
    return rows
