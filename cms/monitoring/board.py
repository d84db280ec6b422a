"""The board's read side: every visible site × every rule, from the stored rows (three queries)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from wagtail.models import Site

from sites.groups import sites_of_user

from .actions import SITE_ADMIN_ROLE, may_view_all, monitored_sites
from .models import STATUS_RANK, SiteIndicator, Status
from .rules import RULES, Rule, Score, score_of


@dataclass(frozen=True)
class Cell:
    rule: Rule
    indicator: SiteIndicator | None

    @property
    def status(self) -> str:
        return self.indicator.status if self.indicator else Status.NO_DATA

    @property
    def label(self) -> str:
        return Status(self.status).label

    @property
    def message(self) -> str:
        return self.indicator.message if self.indicator else "尚未计算。"

    @property
    def has_causes(self) -> bool:
        return bool(self.indicator and self.indicator.causes)

    def causes_url(self) -> str:
        return reverse("monitoring_causes", args=[self.indicator.site_id, self.rule.key])


@dataclass(frozen=True)
class BoardRow:
    site: Site
    cells: list[Cell]
    score: Score
    computed_at: object

    def count(self, status: str) -> int:
        return sum(1 for cell in self.cells if cell.status == status)

    @property
    def risk(self) -> tuple:
        """Sort key, worst first: vetoes, then the lowest score, then reds and ambers."""
        return (-self.score.vetoes, self.score.points, -self.count(Status.RED), -self.count(Status.AMBER))


def visible_sites(user) -> list[Site]:
    """The info center sees every monitored site; a site admin only their own."""
    if may_view_all(user):
        return monitored_sites()
    own = sites_of_user(user, (SITE_ADMIN_ROLE,))
    return [site for site in monitored_sites() if site.pk in own] if own else []


def board_rows(sites: list[Site]) -> list[BoardRow]:
    by_site: dict[int, dict[str, SiteIndicator]] = {}
    for row in SiteIndicator.objects.filter(site__in=sites):
        by_site.setdefault(row.site_id, {})[row.rule] = row
    rows = []
    for site in sites:
        stored = by_site.get(site.pk, {})
        cells = [Cell(rule, stored.get(rule.key)) for rule in RULES]
        present = [cell.indicator for cell in cells if cell.indicator]
        score = score_of([i.deduction for i in present] or [Decimal(0)], [i.status for i in present])
        rows.append(BoardRow(site, cells, score, max((i.computed_at for i in present), default=None)))
    rows.sort(key=lambda row: (row.risk, row.site.site_name))
    return rows


def worst(cells: list[Cell]) -> str:
    return max((cell.status for cell in cells), key=lambda status: STATUS_RANK[status], default=Status.NO_DATA)
