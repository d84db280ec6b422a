"""A site's 政府网站工作年度报表 put together: the computed rows and the entered ones, row by row
in the template's order, for the admin page, the generated page and the XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from wagtail.models import Site

from core.exports import Sheet, xlsx_workbook_bytes

from .figures import computed_figures, suggestions
from .models import SiteReport
from .template import DEFAULTS, FIELDS, Field, Kind, from_json

DERIVED_TOTAL = ("interpretations_total", ("interpretation_materials", "interpretation_products", "media_comments"))
EMPTY = "—"


@dataclass(frozen=True)
class Row:
    field: Field
    value: object  # None: not known yet
    from_system: bool  # computed (or a fallback the site profile holds)

    @property
    def display(self) -> str:
        return display(self.field, self.value)

    @property
    def origin(self) -> str:
        if self.from_system:
            return f"系统计算：{self.field.source}"
        return "填报"


def display(field: Field, value: object) -> str:
    if value is None or value == "":
        return EMPTY
    if field.kind == Kind.YES_NO:
        return "是" if value else "否"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


@dataclass(frozen=True)
class Report:
    site: Site
    year: int
    rows: list[Row]

    @property
    def missing(self) -> list[Field]:
        """The required rows with no value yet: the page cannot be generated before they are filled."""
        return [row.field for row in self.rows if not row.from_system and row.value is None and row.field.required]

    def value(self, key: str) -> object:
        return next(row.value for row in self.rows if row.field.key == key)

    @property
    def title(self) -> str:
        return f"{self.site.site_name}{self.year}年度政府网站工作年度报表"

    def sections(self) -> list[tuple[str, list[Row]]]:
        grouped: dict[str, list[Row]] = {}
        for row in self.rows:
            grouped.setdefault(row.field.section, []).append(row)
        return list(grouped.items())

    def html_table(self) -> str:
        """The report as the generated page's body: one table in the template's layout."""
        return render_to_string("site_reports/report_table.html", {"report": self})

    def sheet_rows(self) -> list[list[object]]:
        return [[r.field.section, r.field.group, r.field.label, r.display, r.origin] for r in self.rows]


def build_report(site: Site, year: int, entered: dict | None = None) -> Report:
    """The report of ``site`` for ``year``: ``entered`` (stored form, ``SiteReport.entered``) or what is stored."""
    if entered is None:
        stored = SiteReport.objects.filter(site=site, year=year).values_list("entered", flat=True).first()
        entered = stored or {}
    values = from_json(entered)
    computed = computed_figures(site, year)
    rows = []
    for field in FIELDS:
        if field.computed:
            rows.append(Row(field, computed.get(field.key), True))
        elif field.fallback and computed.get(field.key):
            rows.append(Row(field, computed[field.key], True))
        else:
            rows.append(Row(field, values.get(field.key), False))
    rows = _with_derived_total(rows)
    return Report(site, year, rows)


def _with_derived_total(rows: list[Row]) -> list[Row]:
    total_key, parts = DERIVED_TOTAL
    by_key = {row.field.key: row for row in rows}
    values = [by_key[key].value for key in parts]
    total = sum(values) if None not in values else None
    return [Row(row.field, total, True) if row.field.key == total_key else row for row in rows]


def form_proposals(site: Site, stored: dict) -> dict[str, object]:
    """Values the form starts from where nothing is stored yet: the defaults and the site's facts."""
    proposals = {**DEFAULTS, **{k: v for k, v in suggestions(site).items() if v}}
    return {key: value for key, value in proposals.items() if key not in stored}


# --- XLSX --------------------------------------------------------------------------

SITE_HEADERS = ("栏目", "分项", "项目", "数值", "来源")


def site_xlsx(report: Report) -> bytes:
    """One site's report: one row per row of the template, with where its value comes from."""
    return xlsx_workbook_bytes([Sheet(f"{report.year}年度报表", SITE_HEADERS, report.sheet_rows())])


def cluster_xlsx(reports: list[Report], year: int) -> bytes:
    """Every site's report of ``year``: one row per site, one column per row of the template."""
    headers = [field.full_label for field in FIELDS]
    rows = [[row.display for row in report.rows] for report in reports]
    return xlsx_workbook_bytes([Sheet(f"{year}年度各网站报表", headers, rows)])
