"""信息报送统计: per unit and month — submitted, adopted, 采用率, ranking; XLSX export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.exports import xlsx_bytes

from .models import PushDirection, PushRecord, PushStatus
from .selectors import site_label, unit_name

# Adopted: accepted, including those a later takedown withdrew (they were adopted).
ADOPTED = Q(status=PushStatus.ACCEPTED) | Q(status=PushStatus.WITHDRAWN, status_before_takedown=PushStatus.ACCEPTED)


@dataclass
class StatsRow:
    rank: int
    unit: str
    site: str
    month: date
    submitted: int
    adopted: int
    site_id: int | None = None  # the sending site, for reports by site (每月通报)

    @property
    def rate(self) -> float:
        return self.adopted / self.submitted if self.submitted else 0.0

    @property
    def rate_display(self) -> str:
        return f"{self.rate:.1%}"


def submission_stats(year: int, month: int | None = None, direction: str | None = PushDirection.UP) -> list[StatsRow]:
    """One row per (sending unit, month), ranked within each month by adopted, then 采用率.

    One grouped query whatever the number of units or pushes."""
    records = PushRecord.objects.filter(pushed_at__year=year)
    if month:
        records = records.filter(pushed_at__month=month)
    if direction:
        records = records.filter(direction=direction)
    grouped = (
        records.annotate(month=TruncMonth("pushed_at", tzinfo=timezone.get_current_timezone()))
        .values("month", "source_site")
        .annotate(submitted=Count("pk"), adopted=Count("pk", filter=ADOPTED))
        .order_by("month")
    )
    from wagtail.models import Site

    sites = {s.pk: s for s in Site.objects.select_related("profile__organisation")}
    rows = [
        StatsRow(
            rank=0,
            unit=unit_name(sites.get(g["source_site"])),
            site=site_label(sites.get(g["source_site"])),
            month=timezone.localtime(g["month"]).date() if hasattr(g["month"], "tzinfo") else g["month"],
            submitted=g["submitted"],
            adopted=g["adopted"],
            site_id=g["source_site"],
        )
        for g in grouped
    ]
    rows.sort(key=lambda r: (r.month, -r.adopted, -r.rate, r.unit))
    for month_key in {r.month for r in rows}:
        for rank, row in enumerate((r for r in rows if r.month == month_key), start=1):
            row.rank = rank
    return rows


HEADERS = ("月份", "排名", "报送单位", "网站", "报送数", "采用数", "采用率")


def stats_xlsx(rows: list[StatsRow]) -> bytes:
    return xlsx_bytes(
        "信息报送统计",
        HEADERS,
        ([f"{r.month:%Y-%m}", r.rank, r.unit, r.site, r.submitted, r.adopted, round(r.rate, 4)] for r in rows),
        number_formats={6: "0.0%"},
    )
