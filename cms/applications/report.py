"""Table 3 of the 政府信息公开工作年度报告 (国办公开办函〔2021〕30号): 收到和处理政府信息公开申请情况.

Columns are the applicant types (自然人; 法人或其他组织: 商业企业, 科研机构, 社会公益组织,
法律服务机构, 其他; 总计). Rows: 一、本年新收; 二、上年结转; 三、本年度办理结果 by outcome
(（一）…（六）, their sub-rows, （七）总计); 四、结转下年度继续办理. The template's balance rule:
一 + 二 = 三（七） + 四, per column. A case counts once it is received (登记, 第三十一条); it
concludes on its answer's approval, a lapse of its correction, or a withdrawal.

One query, whatever the number of cases or organisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from .models import OUTCOME_GROUPS, ApplicantType, Application, Outcome

COLUMNS: tuple[str, ...] = tuple(ApplicantType.values)
COLUMN_LABELS: dict[str, str] = dict(ApplicantType.choices)


def _zero() -> dict[str, int]:
    return dict.fromkeys(COLUMNS, 0)


@dataclass
class Table3:
    year: int
    new: dict[str, int] = field(default_factory=_zero)
    carried_over: dict[str, int] = field(default_factory=_zero)
    outcomes: dict[str, dict[str, int]] = field(default_factory=lambda: {o: _zero() for o in Outcome.values})
    # Concluded without an outcome: never by the actions; a row here breaks the balance on purpose.
    unclassified: dict[str, int] = field(default_factory=_zero)
    carried_forward: dict[str, int] = field(default_factory=_zero)

    @staticmethod
    def total(row: dict[str, int]) -> int:
        return sum(row.values())

    @property
    def concluded(self) -> dict[str, int]:
        """（七）总计 per column."""
        return {c: sum(row[c] for row in self.outcomes.values()) + self.unclassified[c] for c in COLUMNS}

    def imbalances(self) -> list[str]:
        """The columns where 一 + 二 ≠ 三（七） + 四, in Chinese; empty when the table balances."""
        problems = []
        concluded = self.concluded
        for c in COLUMNS:
            left = self.new[c] + self.carried_over[c]
            right = concluded[c] + self.carried_forward[c]
            if left != right:
                problems.append(
                    f"{COLUMN_LABELS[c]}：本年新收{self.new[c]} + 上年结转{self.carried_over[c]} = {left}，"
                    f"办理结果{concluded[c]} + 结转下年度{self.carried_forward[c]} = {right}。"
                )
        if any(self.unclassified.values()):
            problems.append(f"有{self.total(self.unclassified)}件已办结的申请没有办理结果分类。")
        return problems

    def rows(self) -> list[tuple[str, dict[str, int]]]:
        """The table as the template prints it: (row label, counts per column), with group subtotals."""
        rows: list[tuple[str, dict[str, int]]] = [
            ("一、本年新收政府信息公开申请数量", self.new),
            ("二、上年结转政府信息公开申请数量", self.carried_over),
        ]
        for label, outcomes in OUTCOME_GROUPS:
            if len(outcomes) == 1:
                rows.append((f"三、本年度办理结果 {label}", self.outcomes[outcomes[0]]))
                continue
            subtotal = {c: sum(self.outcomes[o][c] for o in outcomes) for c in COLUMNS}
            rows.append((f"三、本年度办理结果 {label}", subtotal))
            for n, outcome in enumerate(outcomes, start=1):
                rows.append((f"    {n}．{Outcome(outcome).label}", self.outcomes[outcome]))
        rows.append(("三、本年度办理结果 （七）总计", self.concluded))
        rows.append(("四、结转下年度继续办理", self.carried_forward))
        return rows


def table3(year: int, unit_ids: list[int] | None = None) -> Table3:
    """Table 3 for the units (sites) given, or for the whole cluster."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    cases = Application.objects.filter(received_on__isnull=False, received_on__lte=end).filter(
        Q(concluded_on__isnull=True) | Q(concluded_on__gte=start)
    )
    if unit_ids is not None:
        cases = cases.filter(unit_id__in=unit_ids)
    grouped = (
        cases.order_by()
        .values("applicant_type", "outcome")
        .annotate(
            new=Count("pk", filter=Q(received_on__gte=start)),
            carried_over=Count("pk", filter=Q(received_on__lt=start)),
            concluded=Count("pk", filter=Q(concluded_on__range=(start, end))),
            carried_forward=Count("pk", filter=Q(concluded_on__isnull=True) | Q(concluded_on__gt=end)),
        )
    )
    table = Table3(year)
    for row in grouped:
        column = row["applicant_type"]
        table.new[column] += row["new"]
        table.carried_over[column] += row["carried_over"]
        table.carried_forward[column] += row["carried_forward"]
        if row["concluded"]:
            target = table.outcomes.get(row["outcome"]) if row["outcome"] else None
            (target if target is not None else table.unclassified)[column] += row["concluded"]
    return table
