"""信息公开时效 report: catalogue items published later than 《政府信息公开条例》 Art. 26 allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import django_filters
from django.contrib import messages
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from cms.content.models import ArticlePage
from sites.models import Organisation

from .models import WorkingDayOverride
from .working_days import (
    ART26_WORKING_DAYS,
    WorkingDayIndex,
    format_years,
    load_overrides,
    years_without_holiday_data,
)

# Statutory days are Beijing days. Wagtail activates each admin user's own
# time zone, so the publication date must not depend on who looks at the report.
STATUTORY_TIME_ZONE = ZoneInfo("Asia/Shanghai")

# Who may see the report: the info center, which maintains the working-day
# calendar the report depends on (the 信息中心 group), and superusers.
permission_policy = ModelPermissionPolicy(WorkingDayOverride)


@dataclass(frozen=True)
class OverdueItem:
    """One row of the report."""

    page_id: int
    title: str
    organisation: str
    date_formed: date
    published_on: date
    working_days: int  # working days from 成文日期 to 发布日期, see working_days_between

    @property
    def overdue_working_days(self) -> int:
        return self.working_days - ART26_WORKING_DAYS


@dataclass(frozen=True)
class TimelinessResult:
    items: list[OverdueItem]
    uncovered_years: list[int]  # years counted as plain Monday–Friday weeks


def candidate_items() -> QuerySet[ArticlePage]:
    """Live catalogue items with a 成文日期 — every page type built on ArticlePage."""
    return ArticlePage.objects.live().filter(in_catalogue=True, date_formed__isnull=False)


def find_overdue(candidates: QuerySet[ArticlePage]) -> TimelinessResult:
    """The items among ``candidates`` published more than 20 working days after being formed, most overdue first.

    The holiday calendar lives in Python (chinese-calendar plus the override
    table), not in SQL, so the database cannot say which items are late. We
    fetch the candidates' five needed values in one query, read the overrides
    for the whole date span in one more, and count in Python: two queries
    whatever the number of items or days (a third only when some year has no
    holiday data, to look for override rows).
    """
    rows = list(
        candidates.order_by().values_list(
            "pk", "title", "issuing_organisation__name", "date_formed", "publication_date"
        )
    )
    if not rows:
        return TimelinessResult([], [])
    published = [timezone.localtime(row[4], STATUTORY_TIME_ZONE).date() for row in rows]
    # Both ends over both dates: imported items may bypass the "formed on or
    # before publication" validation, and the index must cover every date.
    start = min(*(row[3] for row in rows), *published)
    end = max(*(row[3] for row in rows), *published)
    index = WorkingDayIndex(start, end, load_overrides(start, end))
    items = []
    for (pk, title, organisation, formed, _), published_on in zip(rows, published, strict=True):
        working_days = index.between(formed, published_on)
        if working_days > ART26_WORKING_DAYS:
            items.append(OverdueItem(pk, title, organisation or "", formed, published_on, working_days))
    items.sort(key=lambda item: (-item.working_days, -item.published_on.toordinal(), item.title))
    # Only years some item's count actually ran through, not every year between
    # the oldest and the newest item.
    years = {year for row, on in zip(rows, published, strict=True) for year in range(row[3].year, on.year + 1)}
    return TimelinessResult(items, years_without_holiday_data(years))


def _year_choices() -> list[tuple[int, str]]:
    years = (
        candidate_items()
        .annotate(year=ExtractYear("publication_date", tzinfo=STATUTORY_TIME_ZONE))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return [(year, f"{year}年") for year in years]


class TimelinessReportFilterSet(WagtailFilterSet):
    issuing_organisation = django_filters.ModelChoiceFilter(
        label="发布机构", queryset=Organisation.objects.all(), empty_label="全部机构"
    )
    year = django_filters.ChoiceFilter(
        label="发布年度", choices=_year_choices, empty_label="全部年度", method="filter_year"
    )

    class Meta:
        model = ArticlePage
        fields = ["issuing_organisation", "year"]

    def filter_year(self, queryset: QuerySet[ArticlePage], name: str, value: str) -> QuerySet[ArticlePage]:
        # A range on the indexed column in Beijing time, rather than __year,
        # which would use the viewer's time zone and defeat the index.
        year = int(value)
        return queryset.filter(
            publication_date__gte=datetime(year, 1, 1, tzinfo=STATUTORY_TIME_ZONE),
            publication_date__lt=datetime(year + 1, 1, 1, tzinfo=STATUTORY_TIME_ZONE),
        )


def _iso(accessor: str):
    return lambda item: f"{getattr(item, accessor):%Y-%m-%d}"


class TimelinessReportView(ReportView):
    page_title = "信息公开时效（条例第二十六条）"
    header_icon = "time"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    index_url_name = "disclosure:timeliness_report"
    index_results_url_name = "disclosure:timeliness_report_results"
    filterset_class = TimelinessReportFilterSet
    permission_policy = permission_policy
    permission_required = "view"
    columns = [
        TitleColumn("title", label="标题", url_name="wagtailadmin_pages:edit", id_accessor="page_id"),
        Column("organisation", label="发布机构"),
        Column("date_formed", label="成文日期", accessor=_iso("date_formed")),
        Column("published_on", label="发布日期", accessor=_iso("published_on")),
        Column("overdue_working_days", label="超期工作日"),
    ]
    list_export = ["title", "organisation", "date_formed", "published_on", "overdue_working_days"]
    export_headings = {
        "title": "标题",
        "organisation": "发布机构",
        "date_formed": "成文日期",
        "published_on": "发布日期",
        "overdue_working_days": "超期工作日",
    }
    no_results_message = f"没有超过{ART26_WORKING_DAYS}个工作日才公开的信息。"

    def get_filename(self) -> str:
        # ASCII: the name goes into a Content-Disposition header.
        return f"disclosure-timeliness-{timezone.localdate(timezone=STATUTORY_TIME_ZONE):%Y-%m-%d}"

    def get_base_queryset(self) -> QuerySet[ArticlePage]:
        return candidate_items()

    def get_filtered_queryset(self) -> list[OverdueItem]:
        # get_queryset() already applies the filters; the rows are computed, not queried.
        self.result = find_overdue(self.get_queryset())
        return self.result.items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A message, not part of the results fragment, so only on full page
        # loads: a message queued during an AJAX filter refresh or an export
        # would surface later on some unrelated admin page.
        if self.result.uncovered_years and not self.results_only and not self.is_export:
            messages.warning(
                self.request,
                f"节假日数据未覆盖{format_years(self.result.uncovered_years)}，且“工作日调整”中没有这些年份的记录：这些年份按周一至周五计算工作日，"
                "结果可能不准确。请在“信息公开 › 工作日调整”中录入当年的放假和调休安排。",
            )
        return context


class TimelinessReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return permission_policy.user_has_permission(request.user, "view")


def register_timeliness_report_menu_item() -> MenuItem:
    return TimelinessReportMenuItem(
        "信息公开时效",
        reverse("disclosure:timeliness_report"),
        name="disclosure-timeliness",
        icon_name="time",
        order=1300,
    )
