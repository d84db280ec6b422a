"""The read side of 访问统计: daily series, top pages, columns and sites over a date range,
the trend chart's geometry (server-rendered SVG) and the XLSX exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from wagtail.models import Page, Site

from core.charts import Chart, Series, series_chart
from core.exports import Sheet, xlsx_workbook_bytes

from .models import Scope, VisitDay


@dataclass(frozen=True)
class DayFigures:
    date: date
    views: int
    visitors: int


@dataclass(frozen=True)
class Ranked:
    """A page, column or site with its figures over the range (visitors: the days' uniques added up)."""

    label: str
    url: str
    views: int
    visitors: int
    object_id: int


def daily(site_ids: set[int] | None, start: date, end: date) -> list[DayFigures]:
    """Every day of the range, zeros included, for the sites (None: the whole cluster)."""
    rows = VisitDay.objects.filter(scope=Scope.SITE, date__range=(start, end))
    if site_ids is not None:
        rows = rows.filter(site_id__in=site_ids)
    by_day = {r["date"]: r for r in rows.values("date").annotate(v=Sum("views"), u=Sum("visitors")).order_by()}
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return [DayFigures(d, by_day[d]["v"] if d in by_day else 0, by_day[d]["u"] if d in by_day else 0) for d in days]


def _ranked_pages(scope: str, site_id: int, start: date, end: date, limit: int | None) -> list[Ranked]:
    grouped = (
        VisitDay.objects.filter(scope=scope, site_id=site_id, date__range=(start, end))
        .values("page_id")
        .annotate(v=Sum("views"), u=Sum("visitors"))
        .order_by("-v", "-u", "page_id")
    )
    if limit:
        grouped = grouped[:limit]
    grouped = list(grouped)
    pages = Page.objects.in_bulk([g["page_id"] for g in grouped])
    site = Site.objects.get(pk=site_id)
    result = []
    for g in grouped:
        page = pages.get(g["page_id"])
        if page is None:
            continue
        label = "首页" if page.pk == site.root_page_id else page.title
        result.append(Ranked(label, page.get_url() or "", g["v"], g["u"], page.pk))
    return result


def top_pages(site_id: int, start: date, end: date, limit: int | None = 20) -> list[Ranked]:
    return _ranked_pages(Scope.PAGE, site_id, start, end, limit)


def by_column(site_id: int, start: date, end: date) -> list[Ranked]:
    return _ranked_pages(Scope.COLUMN, site_id, start, end, None)


def by_site(site_ids: set[int], start: date, end: date) -> list[Ranked]:
    """Each site of ``site_ids`` with its figures, busiest first (sites without visits included)."""
    totals = {
        r["site_id"]: r
        for r in VisitDay.objects.filter(scope=Scope.SITE, site_id__in=site_ids, date__range=(start, end))
        .values("site_id")
        .annotate(v=Sum("views"), u=Sum("visitors"))
        .order_by()
    }
    result = []
    for site in Site.objects.filter(pk__in=site_ids).order_by("site_name"):
        figures = totals.get(site.pk, {"v": 0, "u": 0})
        result.append(Ranked(site.site_name or site.hostname, "", figures["v"], figures["u"], site.pk))
    return sorted(result, key=lambda r: (-r.views, -r.visitors, r.label))


# --- the trend chart: bars for 浏览量, a line for 访客数 (drawn by core.charts) -------------


def trend_chart(days: list[DayFigures], width: int = 960, height: int = 300) -> Chart:
    summary = (
        f"{days[0].date:%Y-%m-%d} 至 {days[-1].date:%Y-%m-%d} 每日浏览量（柱）与访客数（线），"
        f"合计浏览量 {sum(d.views for d in days)}，访客数 {sum(d.visitors for d in days)}"
        if days
        else "无数据"
    )
    return series_chart(
        [f"{d.date:%m-%d}" for d in days],
        summary=summary,
        bars=[d.views for d in days],
        lines=[Series("visitors", [d.visitors for d in days])],
        titles=[f"{d.date:%Y-%m-%d}：浏览量 {d.views}，访客数 {d.visitors}" for d in days],
        width=width,
        height=height,
    )


# --- exports -----------------------------------------------------------------------

DAILY_HEADERS = ("日期", "浏览量", "访客数")
RANKED_HEADERS = ("名称", "地址", "浏览量", "访客数（按日累计）")


def daily_sheet(days: list[DayFigures]) -> Sheet:
    return Sheet("每日访问量", DAILY_HEADERS, [[d.date, d.views, d.visitors] for d in days], {0: "yyyy-mm-dd"})


def ranked_sheet(title: str, rows: list[Ranked]) -> Sheet:
    return Sheet(title, RANKED_HEADERS, [[r.label, r.url, r.views, r.visitors] for r in rows])


def site_xlsx(site_id: int, start: date, end: date) -> bytes:
    """A site's workbook: the days, every page counted, every column."""
    return xlsx_workbook_bytes(
        [
            daily_sheet(daily({site_id}, start, end)),
            ranked_sheet("页面", top_pages(site_id, start, end, limit=None)),
            ranked_sheet("栏目", by_column(site_id, start, end)),
        ]
    )


def cluster_xlsx(site_ids: set[int] | None, all_sites: set[int], start: date, end: date) -> bytes:
    """The cluster's workbook (or the sites one may see): the days, then each site."""
    return xlsx_workbook_bytes(
        [daily_sheet(daily(site_ids, start, end)), ranked_sheet("网站", by_site(all_sites, start, end))]
    )
