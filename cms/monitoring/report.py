"""每月通报 and the ranking: the cluster's report for a month, a quarter or a year, read from the
daily ``ScoreSnapshot`` rows in a fixed number of queries whatever the number of sites.

How a period's figures are taken (``docs/monitoring.md`` → 每月通报与排名):

- a **month's score** is the average of the month's daily scores (the days the indicators were
  computed), to one decimal: a site cannot hide three weeks of problems by mending them on the
  last day, and a day the job did not run changes nothing;
- a **quarter's or year's score** is the average of its months' scores (months without any
  snapshot left out), so every month weighs the same;
- a site's **vetoes** in a period are the rules that were at 单项否决 on at least one day of it
  (with the number of days); a site with one fails the period (``ranking.rank_sites``);
- each indicator's **finding** is its worst status in the period with the days at it, and the
  message of the period's last computed day;
- **信息报送** figures are ``cms.syndication.reports.submission_stats`` (pushes up to the portal
  by the sending site), added up over the period's months.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from wagtail.models import Site

from cms.syndication.reports import submission_stats
from cms.syndication.selectors import unit_name
from core.charts import Chart, Series, series_chart
from core.exports import Sheet, xlsx_workbook_bytes
from sites.models import SiteStatus

from .models import STATUS_RANK, ScoreSnapshot, Status
from .ranking import Entry, Grade, Standing, rank_sites
from .rules import RULES, Rule

TREND_MONTHS = 12
COUNTED = (Status.VETO, Status.RED, Status.AMBER)  # the statuses whose days the report counts
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
TENTH = Decimal("0.1")
SCORE_COLOUR, VETO_COLOUR = "#2e6fb7", "#8a1c17"  # the charts' line and bars (report.css: the legends)


# --- periods ---------------------------------------------------------------------------


def _month_shift(month: date, by: int) -> date:
    n = month.year * 12 + month.month - 1 + by
    return date(n // 12, n % 12 + 1, 1)


def _month_end(month: date) -> date:
    return _month_shift(month, 1) - timedelta(days=1)


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


@dataclass(frozen=True)
class Period:
    """A month (``2026-06``), a quarter (``2026-Q2``) or a year (``2026``) of the report."""

    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int = 0  # the month or the quarter; 0 for a year

    @classmethod
    def parse(cls, key: str) -> Period:
        """The period a key names; ValueError with a Chinese message for anything else."""
        key = (key or "").strip()
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", key):
            period = cls("month", int(match[1]), int(match[2]))
            valid = 1 <= period.number <= 12
        elif match := re.fullmatch(r"(\d{4})-[Qq]([1-4])", key):
            period, valid = cls("quarter", int(match[1]), int(match[2])), True
        elif re.fullmatch(r"\d{4}", key):
            period, valid = cls("year", int(key)), True
        else:
            raise ValueError("统计期格式不对：月度如 2026-06，季度如 2026-Q2，年度如 2026。")
        if not valid or not 2000 <= period.year <= 2100:
            raise ValueError("没有这个统计期：月份应在 1 至 12 之间，年份在 2000 至 2100 之间。")
        if period.start > timezone.localdate():
            raise ValueError("统计期尚未开始，请选择本月或更早的统计期。")
        return period

    @classmethod
    def current_month(cls) -> Period:
        today = timezone.localdate()
        return cls("month", today.year, today.month)

    @property
    def key(self) -> str:
        return {"month": f"{self.year}-{self.number:02d}", "quarter": f"{self.year}-Q{self.number}"}.get(
            self.kind, str(self.year)
        )

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年{QUARTER_NAMES[self.number]}"
        return f"{self.year}年度"

    @property
    def title(self) -> str:
        kind = {"month": "每月通报", "quarter": "季度考评", "year": "年度考核"}[self.kind]
        return f"{self.label}政府网站检查{kind}"

    @property
    def months(self) -> list[date]:
        first = {"month": self.number, "quarter": 3 * self.number - 2}.get(self.kind, 1)
        count = {"month": 1, "quarter": 3}.get(self.kind, 12)
        return [date(self.year, first + n, 1) for n in range(count)]

    @property
    def start(self) -> date:
        return self.months[0]

    @property
    def end(self) -> date:
        return _month_end(self.months[-1])

    @property
    def graded(self) -> bool:
        """The seed grades (优秀/合格/不合格) the quarterly and annual 考评, not the monthly 通报."""
        return self.kind != "month"


def period_choices(today: date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The selector's options, newest first: 24 months, 8 quarters, 3 years."""
    today = today or timezone.localdate()
    this_month = date(today.year, today.month, 1)
    months = [Period("month", m.year, m.month) for m in (_month_shift(this_month, -n) for n in range(24))]
    quarter = (today.month - 1) // 3 + 1
    quarters = []
    for n in range(8):
        q = (today.year * 4 + quarter - 1) - n
        quarters.append(Period("quarter", q // 4, q % 4 + 1))
    years = [Period("year", today.year - n) for n in range(3)]
    return [
        (group, [(p.key, p.label) for p in periods])
        for group, periods in (("月度", months), ("季度", quarters), ("年度", years))
    ]


# --- the report -------------------------------------------------------------------------


@dataclass
class RuleFinding:
    """One indicator of one site over the period."""

    rule: Rule
    days: dict[str, int]  # status -> days at it, for the counted statuses
    last_status: str | None
    last_message: str

    @property
    def status(self) -> str:
        """The worst status of the period (no data: the rule was never computed or never had any)."""
        for status in COUNTED:
            if self.days.get(status):
                return status
        return self.last_status or Status.NO_DATA

    @property
    def label(self) -> str:
        return Status(self.status).label

    @property
    def status_days(self) -> int:
        return self.days.get(self.status, 0)

    @property
    def text(self) -> str:
        """The cell in words: the status and, when counted, its days."""
        return f"{self.label} {self.status_days}天" if self.status_days else self.label

    @property
    def has_problem(self) -> bool:
        return STATUS_RANK[self.status] > 0

    @property
    def improved(self) -> bool:
        """The period's last day is better than its worst (mended within the period)."""
        return STATUS_RANK[self.last_status or Status.NO_DATA] < STATUS_RANK[self.status]

    @property
    def last_label(self) -> str:
        return Status(self.last_status or Status.NO_DATA).label


@dataclass
class SiteReport:
    site: Site
    unit: str
    month_points: dict[date, Decimal]  # every month of the trend with data
    period_months: list[date]
    days: int  # days computed in the period
    findings: list[RuleFinding]
    submitted: int = 0
    adopted: int = 0
    standing: Standing | None = None
    trend: Chart | None = None

    @property
    def points(self) -> Decimal | None:
        scores = [self.month_points[m] for m in self.period_months if m in self.month_points]
        return _tenth(sum(scores, Decimal(0)) / len(scores)) if scores else None

    @property
    def vetoed(self) -> list[RuleFinding]:
        return [f for f in self.findings if f.status == Status.VETO]

    @property
    def problems(self) -> list[RuleFinding]:
        return [f for f in self.findings if f.has_problem]

    @property
    def rate(self) -> float:
        return self.adopted / self.submitted if self.submitted else 0.0

    @property
    def rate_display(self) -> str:
        return f"{self.rate:.1%}" if self.submitted else "—"


@dataclass
class Report:
    period: Period
    rules: tuple[Rule, ...]
    rows: list[SiteReport]
    trend_months: list[date]
    veto_chart: Chart
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def ranked(self) -> list[SiteReport]:
        return [row for row in self.rows if row.standing and row.standing.rank is not None]

    @property
    def average(self) -> Decimal | None:
        scores = [row.points for row in self.ranked]
        return _tenth(sum(scores, Decimal(0)) / len(scores)) if scores else None

    @property
    def grade_counts(self) -> dict[str, int]:
        counts = {grade.value: 0 for grade in Grade}
        for row in self.ranked:
            counts[row.standing.grade] += 1
        return counts

    @property
    def vetoed_sites(self) -> list[SiteReport]:
        return [row for row in self.rows if row.vetoed]

    @property
    def problem_rows(self) -> list[SiteReport]:
        return [row for row in self.rows if row.problems]

    @property
    def submitted(self) -> int:
        return sum(row.submitted for row in self.rows)

    @property
    def adopted(self) -> int:
        return sum(row.adopted for row in self.rows)

    @property
    def as_of(self) -> date:
        """The last day the report covers: the period's end, or today while the period runs."""
        return min(self.period.end, timezone.localdate())


def _tenth(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)


def _count_name(rule: Rule, status: str) -> str:
    return f"n_{rule.key}_{status}"


def build_report(period: Period) -> Report:
    """The report of ``period`` over every monitored site (and any other site with snapshots in
    it or its 12-month trend). Five queries: sites (with their last day), month rows, last days'
    rows, 信息报送 (2)."""
    trend_months = [_month_shift(period.months[-1], -n) for n in reversed(range(TREND_MONTHS))]
    first_day = min(period.start, trend_months[0])
    snapshots = ScoreSnapshot.objects.filter(date__range=(first_day, period.end))
    in_period = ScoreSnapshot.objects.filter(date__range=(period.start, period.end))
    # Each site's last computed day of the period: a subquery per site (an index probe on site +
    # date), not per snapshot row, so a year costs what a month does.
    last_day = in_period.filter(site_id=OuterRef("pk")).order_by("-date").values("date")[:1]
    sites = list(
        Site.objects.filter(
            Q(profile__status__in=(SiteStatus.OPEN, SiteStatus.MAINTENANCE)) | Q(pk__in=snapshots.values("site_id"))
        )
        .annotate(last_day=Subquery(last_day))
        .select_related("profile__organisation")
        .order_by("pk")
    )
    counts = {
        _count_name(rule, status): Count("pk", filter=Q(**{f"statuses__{rule.key}": str(status)}))
        for rule in RULES
        for status in COUNTED
    }
    month_rows = (
        snapshots.annotate(month=TruncMonth("date"))
        .values("site_id", "month")
        .annotate(total=Sum("points"), days=Count("pk"), **counts)
        .order_by()
    )
    by_site: dict[int, dict[date, dict]] = defaultdict(dict)
    for row in month_rows:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        by_site[row["site_id"]][month] = row
    wanted = {(site.pk, site.last_day) for site in sites if site.last_day}
    last = {
        s.site_id: s
        for s in ScoreSnapshot.objects.filter(
            site_id__in={pk for pk, _ in wanted}, date__in={day for _, day in wanted}
        ).only("site_id", "date", "statuses", "messages")
        if (s.site_id, s.date) in wanted
    }
    pushes = _pushes(period)

    rows = []
    for site in sites:
        months = by_site.get(site.pk, {})
        period_rows = [months[m] for m in period.months if m in months]
        snapshot = last.get(site.pk)
        findings = [
            RuleFinding(
                rule,
                {status: sum(r[_count_name(rule, status)] for r in period_rows) for status in COUNTED},
                snapshot.statuses.get(rule.key) if snapshot else None,
                snapshot.messages.get(rule.key, "") if snapshot else "",
            )
            for rule in RULES
        ]
        submitted, adopted = pushes.get(site.pk, (0, 0))
        rows.append(
            SiteReport(
                site=site,
                unit=unit_name(site),
                month_points={m: _tenth(r["total"] / r["days"]) for m, r in months.items()},
                period_months=period.months,
                days=sum(r["days"] for r in period_rows),
                findings=findings,
                submitted=submitted,
                adopted=adopted,
            )
        )
    standings = {s.entry.key: s for s in rank_sites(Entry(row.site.pk, row.points, len(row.vetoed)) for row in rows)}
    order = {key: n for n, key in enumerate(standings)}
    for row in rows:
        row.standing = standings[row.site.pk]
        row.trend = score_trend_chart(row, trend_months)
    rows.sort(key=lambda row: (order[row.site.pk], row.site.site_name))
    return Report(period, RULES, rows, trend_months, veto_chart(by_site, trend_months))


def _pushes(period: Period) -> dict[int, tuple[int, int]]:
    """Submitted and adopted per sending site over the period's months (submission_stats)."""
    months = set(period.months)
    totals: dict[int, tuple[int, int]] = {}
    for row in submission_stats(period.year, period.number if period.kind == "month" else None):
        if row.site_id is None or row.month not in months:
            continue
        submitted, adopted = totals.get(row.site_id, (0, 0))
        totals[row.site_id] = (submitted + row.submitted, adopted + row.adopted)
    return totals


# --- charts -----------------------------------------------------------------------------


def score_trend_chart(row: SiteReport, months: list[date]) -> Chart:
    """A site's monthly score over the last 12 months (0–100, 60 and 90 marked by the grid)."""
    values = [float(row.month_points[m]) if m in row.month_points else None for m in months]
    known = [f"{month_label(m)} {row.month_points[m]}分" for m in months if m in row.month_points]
    summary = f"{row.site.site_name}近12个月得分：" + ("；".join(known) if known else "无数据")
    return series_chart(
        [f"{m.month}月" for m in months],
        summary=summary,
        lines=[Series("score", values, dots=True, colour=SCORE_COLOUR)],
        titles=[
            f"{month_label(m)}：{row.month_points[m]}分" if m in row.month_points else f"{month_label(m)}：无数据"
            for m in months
        ],
        width=300,
        height=90,
        margins=(30, 8, 8, 20),
        ceiling=100,
        step=50,
        max_x_ticks=4,
        font_size=10,
    )


def veto_chart(by_site: dict[int, dict[date, dict]], months: list[date]) -> Chart:
    """Per month: the vetoes (site × indicator vetoed on at least one day) as bars, the sites with
    a veto as a line (a gap for a month nothing was computed in)."""
    vetoes, sites, computed = [0] * len(months), [0] * len(months), [False] * len(months)
    for site_months in by_site.values():
        for n, month in enumerate(months):
            row = site_months.get(month)
            if row is None:
                continue
            vetoed = sum(1 for rule in RULES if row[_count_name(rule, Status.VETO)])
            vetoes[n] += vetoed
            sites[n] += 1 if vetoed else 0
            computed[n] = True
    figures = list(zip(months, vetoes, sites, computed, strict=True))
    summary = "近12个月单项否决：" + "；".join(
        f"{month_label(m)} {v}项（{s}个网站）" if known else f"{month_label(m)} 无数据" for m, v, s, known in figures
    )
    return series_chart(
        [f"{m:%y.%m}" for m in months],
        summary=summary,
        bars=vetoes,
        lines=[
            Series(
                "sites", [s if known else None for s, known in zip(sites, computed, strict=True)], True, SCORE_COLOUR
            )
        ],
        titles=[
            f"{month_label(m)}：单项否决 {v} 项，涉及 {s} 个网站" if known else f"{month_label(m)}：无数据"
            for m, v, s, known in figures
        ],
        width=720,
        height=240,
        max_x_ticks=12,
        bar_colour=VETO_COLOUR,
    )


# --- XLSX -------------------------------------------------------------------------------


def report_xlsx(report: Report) -> bytes:
    """The report as a workbook (core.exports): 得分与排名, 各指标情况, 问题明细, 近12个月得分."""
    ranking_headers = [
        "排名",
        "网站",
        "主办单位",
        "得分",
        "计算天数",
        "单项否决项数",
        "否决指标",
        "信息报送数",
        "采用数",
        "采用率",
    ]
    if report.period.graded:
        ranking_headers += ["等次", "等次说明"]
    ranking = []
    for row in report.rows:
        line = [
            row.standing.rank or "—",
            row.site.site_name,
            row.unit,
            float(row.points) if row.points is not None else "无数据",
            row.days,
            len(row.vetoed),
            "、".join(f.rule.name for f in row.vetoed),
            row.submitted,
            row.adopted,
            round(row.rate, 4),
        ]
        if report.period.graded:
            line += [row.standing.grade_label, row.standing.reason]
        ranking.append(line)
    return xlsx_workbook_bytes(
        [
            Sheet("得分与排名", ranking_headers, ranking, {9: "0.0%"}),
            Sheet(
                "各指标情况",
                ["网站", *(rule.name for rule in report.rules)],
                [[row.site.site_name, *(f.text for f in row.findings)] for row in report.rows],
            ),
            Sheet(
                "问题明细",
                ["网站", "指标", "本期最差状态", "天数", "最近一次计算的说明"],
                [
                    [row.site.site_name, f.rule.name, f.label, f.status_days, f.last_message]
                    for row in report.rows
                    for f in row.problems
                ],
            ),
            Sheet(
                "近12个月得分",
                ["网站", *(f"{m:%Y-%m}" for m in report.trend_months)],
                [
                    [
                        row.site.site_name,
                        *(float(row.month_points[m]) if m in row.month_points else None for m in report.trend_months),
                    ]
                    for row in report.rows
                ],
            ),
        ]
    )
