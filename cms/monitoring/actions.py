"""Recomputing the indicators: the one writer of ``SiteIndicator`` rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from sites.groups import sites_of_user
from sites.models import SiteStatus

from .facts import collect_facts
from .models import STATUS_RANK, ScoreSnapshot, SiteIndicator, Status
from .rules import RULES, RULES_BY_KEY, score_of

VIEW_ALL = "monitoring.view_all_indicators"
SITE_ADMIN_ROLE = "site_admin"
ALERT_STATUSES = (Status.AMBER, Status.RED, Status.VETO)


def monitored_sites() -> list[Site]:
    """Every site the inspection looks at: open or under maintenance (a 筹建 site is not public yet,
    a closed one no longer)."""
    return list(
        Site.objects.filter(profile__status__in=(SiteStatus.OPEN, SiteStatus.MAINTENANCE))
        .select_related("root_page")
        .order_by("pk")
    )


def may_view_all(user) -> bool:
    return bool(user and user.has_perm(VIEW_ALL))


def may_recompute(user, site: Site | None) -> bool:
    """The info center recomputes any site or all; a site admin only a site of theirs."""
    if may_view_all(user):
        return True
    return site is not None and site.pk in sites_of_user(user, (SITE_ADMIN_ROLE,))


@dataclass(frozen=True)
class Transition:
    site: Site
    rule_key: str
    before: str | None
    after: str
    message: str


class RecomputeIndicatorsAction:
    """Compute every rule for one site (or every monitored site) and replace their rows at once.

    ``user`` None: the daily job. A mail goes to the site's admins for each rule that moves up
    to amber, red or veto (never again while it stays there), after the transaction commits.
    Each site's day is kept as a ``ScoreSnapshot`` (the report's history): one per site and
    day, replaced when the same day is recomputed."""

    def __init__(self, site: Site | None = None, *, user=None, now: datetime | None = None) -> None:
        self.site = site
        self.user = user
        self.now = now

    def check(self) -> None:
        if self.user is not None and not may_recompute(self.user, self.site):
            raise PermissionDenied("只有信息中心或本站点管理员可以重新计算检查指标。")

    def sites(self) -> list[Site]:
        if self.site is None:
            return monitored_sites()
        return [Site.objects.select_related("root_page").get(pk=self.site.pk)]

    def execute(self) -> list[SiteIndicator]:
        self.check()
        now = self.now or timezone.now()
        sites = self.sites()
        facts = collect_facts(sites, now)
        rows = [(site, rule, rule.evaluate(site, facts[site.pk])) for site in sites for rule in RULES]
        with transaction.atomic():
            before = dict(
                ((row.site_id, row.rule), row.status)
                for row in SiteIndicator.objects.select_for_update().filter(site__in=sites)
            )
            SiteIndicator.objects.filter(site__in=sites).delete()
            created = SiteIndicator.objects.bulk_create(
                SiteIndicator(
                    site=site,
                    rule=rule.key,
                    status=finding.status,
                    message=finding.message,
                    causes=finding.cause_dicts,
                    deduction=finding.deduction,
                    computed_at=now,
                )
                for site, rule, finding in rows
            )
            ScoreSnapshot.objects.bulk_create(
                _snapshots(rows, now),
                update_conflicts=True,
                unique_fields=["site", "date"],
                update_fields=["points", "vetoes", "statuses", "deductions", "messages", "computed_at"],
            )
            transitions = [
                Transition(site, rule.key, before.get((site.pk, rule.key)), finding.status, finding.message)
                for site, rule, finding in rows
                if _turned_worse(before.get((site.pk, rule.key)), finding.status)
            ]
            if transitions:
                transaction.on_commit(lambda: send_alerts(transitions))
        return created


def _snapshots(rows, now: datetime) -> list[ScoreSnapshot]:
    by_site: dict[int, tuple[Site, list]] = {}
    for site, rule, finding in rows:
        by_site.setdefault(site.pk, (site, []))[1].append((rule, finding))
    snapshots = []
    for site, findings in by_site.values():
        score = score_of([f.deduction for _, f in findings], [f.status for _, f in findings])
        snapshots.append(
            ScoreSnapshot(
                site=site,
                date=timezone.localdate(now),
                points=score.points,
                vetoes=score.vetoes,
                statuses={rule.key: str(f.status) for rule, f in findings},
                deductions={rule.key: float(f.deduction) for rule, f in findings if f.deduction},
                messages={rule.key: f.message for rule, f in findings},
                computed_at=now,
            )
        )
    return snapshots


def _turned_worse(before: str | None, after: str) -> bool:
    return after in ALERT_STATUSES and STATUS_RANK[after] > STATUS_RANK.get(before or Status.GREEN, 0)


def send_alerts(transitions: Sequence[Transition]) -> int:
    """One mail per site to its site admins (by role key) listing the rules that turned worse."""
    by_site: dict[int, list[Transition]] = defaultdict(list)
    for transition in transitions:
        by_site[transition.site.pk].append(transition)
    addresses: dict[int, set[str]] = defaultdict(set)
    rows = (
        get_user_model()
        .objects.filter(is_active=True, groups__site_role__site_id__in=by_site, groups__site_role__role=SITE_ADMIN_ROLE)
        .exclude(email="")
        .values_list("groups__site_role__site_id", "email")
    )
    for site_id, email in rows:
        addresses[site_id].add(email)
    board = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("monitoring_board")
    messages = []
    for site_id, changes in by_site.items():
        site = changes[0].site
        lines = [f"{site.site_name}的以下检查指标出现预警或问题：", ""]
        for change in changes:
            rule = RULES_BY_KEY[change.rule_key]
            lines.append(f"  【{Status(change.after).label}】{rule.name}：{change.message}")
        lines += ["", "请登录网站管理后台“网站监管 → 检查指标”查看原因并及时整改：", board]
        lines += ["", "（本邮件由系统自动发送）"]
        subject = f"【网站检查预警】{site.site_name}：{'、'.join(RULES_BY_KEY[c.rule_key].name for c in changes)}"
        messages += [(subject, "\n".join(lines), None, [address]) for address in sorted(addresses[site_id])]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def recompute_indicators(site: Site | None = None, *, user=None) -> list[SiteIndicator]:
    return RecomputeIndicatorsAction(site, user=user).execute()
