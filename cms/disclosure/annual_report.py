"""政府信息公开工作年度报告 (《政府信息公开条例》第四十九条、第五十条; template 国办公开办函〔2021〕30号).

One report per organisation and year, published by 31 January of the next year. What the
system knows is computed, the rest is entered (``AnnualReportData``):

- 一、总体情况: entered text;
- 二、主动公开政府信息情况 (table 1): 规章 and 行政规范性文件 本年制发 / 本年废止 / 现行有效, counted
  from the organisation's live policy documents (``PolicyDocumentPage.document_class``); 行政许可,
  行政处罚, 行政强制 (本年处理决定数量) and 行政事业性收费 (本年收费金额) entered;
- 三、收到和处理政府信息公开申请情况 (table 3): ``cms.applications.report.table3`` over the
  organisation's sites, with its balance 一 + 二 = 三（七）+ 四;
- 四、政府信息公开行政复议、行政诉讼情况 (table 4): entered, 总计 = the four other columns;
- 五、存在的主要问题及改进情况 and 六、其他需要报告的事项: entered text; 六 opens with the
  信息处理费 line the template asks for (国办函〔2020〕109号).

``GenerateAnnualReportAction`` writes the report as a draft ``AnnualReportPage`` in the site's
政府信息公开年报 column, which the editor then submits to the site's review workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from cms.applications.models import ORGANISATION_TYPES, ApplicantType
from cms.applications.report import Table3, table3
from cms.content.models import ColumnPage, ColumnType
from core.exports import Sheet, xlsx_workbook_bytes
from core.security import sanitize_html
from sites.groups import sites_of_user
from sites.models import Organisation, SiteProfile

from .metadata import WITHDRAWN_VALIDITIES, DocumentClass
from .models import TABLE4_COLUMNS, AnnualReportData, AnnualReportPage, PolicyDocumentPage

# The 政府信息公开年报 column's slug in every site's blueprint (cms.content.blueprints.DISCLOSURE_PAGES).
ANNUAL_REPORTS_SLUG = "xxgknb"
OVERSEE = "disclosure.oversee_annual_reports"
# Everyone who works on a site may fill in and generate its organisation's report; publishing
# it is the review workflow's, as for any page.
EDITING_ROLES = ("editor", "reviewer", "leader", "site_admin")
FIRST_YEAR = 2008  # the first 条例 took effect on 1 May 2008


class AnnualReportError(ValidationError):
    """The report cannot be generated; ``messages`` say why, in Chinese."""


def due_date(year: int) -> date:
    """条例第四十九条: the report of ``year`` is published by 31 January of the next year."""
    return date(year + 1, 1, 31)


# --- who may see and edit which organisation's report -------------------------------------


def is_overseer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(OVERSEE))


def own_organisation_ids(user) -> set[int]:
    """The organisations of the sites the user works on (any editorial role)."""
    site_ids = sites_of_user(user, EDITING_ROLES)
    if not site_ids:
        return set()
    return set(SiteProfile.objects.filter(site_id__in=site_ids).values_list("organisation_id", flat=True))


def may_edit_report(user, organisation_id: int) -> bool:
    return is_overseer(user) or organisation_id in own_organisation_ids(user)


def may_use_annual_reports(user) -> bool:
    return is_overseer(user) or bool(sites_of_user(user, EDITING_ROLES))


def reporting_organisations(user) -> list[Organisation]:
    """The organisations whose reports the user may see: those with a site, the user's own unless overseer."""
    organisations = Organisation.objects.filter(site_profiles__isnull=False).distinct().order_by("kind", "name")
    if not is_overseer(user):
        organisations = organisations.filter(pk__in=own_organisation_ids(user))
    return list(organisations)


# --- where the report goes ----------------------------------------------------------------


def organisation_site(organisation: Organisation) -> Site | None:
    """The organisation's site (its first, should it have several), with its home page."""
    profile = (
        SiteProfile.objects.filter(organisation=organisation).select_related("site__root_page").order_by("pk").first()
    )
    return profile.site if profile else None


def report_column(site: Site) -> ColumnPage | None:
    """The site's 政府信息公开年报 column, by its slug (never by its title, which a site may rename)."""
    return (
        ColumnPage.objects.descendant_of(site.root_page)
        .filter(slug=ANNUAL_REPORTS_SLUG, column_type=ColumnType.DISCLOSURE)
        .order_by("path")
        .first()
    )


def report_page(site: Site, year: int) -> AnnualReportPage | None:
    """The site's report of ``year``, wherever in the site an editor has put it."""
    return AnnualReportPage.objects.descendant_of(site.root_page).filter(report_year=year).order_by("path").first()


# --- the figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentCounts:
    """One row of table 1's 第二十条第（一）项."""

    issued: int = 0  # 本年制发件数: 成文日期 in the year
    repealed: int = 0  # 本年废止件数: 已废止 / 已失效 during the year
    in_force: int = 0  # 现行有效件数: at the year's end, formed and not (yet) withdrawn


def document_counts(organisation_id: int, year: int) -> dict[str, DocumentCounts]:
    """Table 1's 规章 and 行政规范性文件 rows, from the organisation's live policy documents, in one query.

    现行有效 is counted at 31 December of ``year`` (a document withdrawn later still counts), so
    a report regenerated later says what it said. 已修订 stays in force: the document applies
    as amended."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    withdrawn = Q(validity__in=WITHDRAWN_VALIDITIES)
    rows = (
        PolicyDocumentPage.objects.live()
        .filter(issuing_organisation_id=organisation_id, document_class__in=DocumentClass.values)
        .order_by()
        .values("document_class")
        .annotate(
            issued=Count("pk", filter=Q(date_formed__range=(start, end))),
            repealed=Count("pk", filter=withdrawn & Q(validity_changed_on__range=(start, end))),
            in_force=Count("pk", filter=Q(date_formed__lte=end) & (~withdrawn | Q(validity_changed_on__gt=end))),
        )
    )
    counts = dict.fromkeys(DocumentClass.values, DocumentCounts())
    for row in rows:
        counts[row["document_class"]] = DocumentCounts(row["issued"], row["repealed"], row["in_force"])
    return counts


def _table3_cells(counts: dict[str, int]) -> list[int]:
    """The template's columns of table 3: 自然人, the five kinds of 法人或其他组织, 总计."""
    return [counts[ApplicantType.NATURAL_PERSON], *(counts[c] for c in ORGANISATION_TYPES), sum(counts.values())]


@dataclass
class AnnualReport:
    """Everything the report says, computed and entered."""

    organisation: Organisation
    year: int
    data: AnnualReportData
    documents: dict[str, DocumentCounts]
    table3: Table3

    @property
    def title(self) -> str:
        return f"{self.organisation.name}{self.year}年政府信息公开工作年度报告"

    def problems(self) -> list[str]:
        """The balance checks the report fails, in Chinese; empty when it may be generated."""
        return [
            *self.data.balance_errors().values(),
            *(f"表三（收到和处理政府信息公开申请情况）{p}" for p in self.table3.imbalances()),
        ]

    def document_rows(self) -> list[tuple[str, DocumentCounts]]:
        return [(label, self.documents[key]) for key, label in DocumentClass.choices]

    def table3_rows(self) -> list[tuple[str, list[int]]]:
        return [(label.strip(), _table3_cells(counts)) for label, counts in self.table3.rows()]

    def table4_rows(self) -> list[tuple[str, list[int]]]:
        return [(label, cells) for _, label, cells in self.data.table4()]

    def fee_line(self) -> str:
        """The 信息处理费 sentence 六 opens with."""
        d = self.data
        if not d.fee_notices:
            return f"{self.year}年度，本机关未收取政府信息公开信息处理费。"
        return (
            f"{self.year}年度，本机关依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
            f"发出收费通知{d.fee_notices}件，总金额{_money(d.fee_notices_amount)}元，"
            f"实际收取总金额{_money(d.fees_collected)}元。"
        )


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def build_report(organisation: Organisation, year: int) -> AnnualReport:
    """The report of ``organisation`` for ``year``: four queries, whatever the number of items or cases."""
    data = AnnualReportData.objects.filter(organisation=organisation, year=year).first()
    if data is None:
        data = AnnualReportData(organisation=organisation, year=year)
    site_ids = list(SiteProfile.objects.filter(organisation=organisation).values_list("site_id", flat=True))
    return AnnualReport(organisation, year, data, document_counts(organisation.pk, year), table3(year, site_ids))


# --- the report as HTML and XLSX ----------------------------------------------------------


def report_html(report: AnnualReport) -> str:
    """The report's body: its six sections with tables 1, 3 and 4, sanitised like any imported HTML."""
    html = render_to_string(
        "disclosure/annual_reports/body.html",
        {
            "report": report,
            "organisation_labels": [ApplicantType(c).label for c in ORGANISATION_TYPES],
            "table4_labels": [label for _, label in TABLE4_COLUMNS],
        },
    )
    return sanitize_html(html)


def report_xlsx(report: AnnualReport) -> bytes:
    """Tables 1, 3 and 4 as a workbook of three sheets (``core.exports``)."""
    d = report.data
    table1 = [
        ["第二十条第（一）项", "", "", ""],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        *([label, c.issued, c.repealed, c.in_force] for label, c in report.document_rows()),
        ["第二十条第（五）项", "", "", ""],
        ["信息内容", "本年处理决定数量", "", ""],
        ["行政许可", d.licensing_decisions, "", ""],
        ["第二十条第（六）项", "", "", ""],
        ["信息内容", "本年处理决定数量", "", ""],
        ["行政处罚", d.punishment_decisions, "", ""],
        ["行政强制", d.coercion_decisions, "", ""],
        ["第二十条第（八）项", "", "", ""],
        ["信息内容", "本年收费金额（单位：万元）", "", ""],
        ["行政事业性收费", float(d.administrative_fees), "", ""],
    ]
    organisation_labels = [ApplicantType(c).label for c in ORGANISATION_TYPES]
    table4_labels = [label for _, label in TABLE4_COLUMNS]
    return xlsx_workbook_bytes(
        [
            Sheet("二、主动公开政府信息情况", [report.title, "", "", ""], table1),
            Sheet(
                "三、收到和处理申请情况",
                ["", "自然人", *(f"法人或其他组织·{label}" for label in organisation_labels), "总计"],
                [[label, *cells] for label, cells in report.table3_rows()],
            ),
            Sheet(
                "四、行政复议行政诉讼情况",
                ["", *table4_labels],
                [[label, *cells] for label, cells in report.table4_rows()],
            ),
        ]
    )


# --- generating the page ------------------------------------------------------------------


class GenerateAnnualReportAction:
    """Build or update the draft ``AnnualReportPage`` of ``organisation`` for ``year``.

    The report goes where the public looks for it (the site's 政府信息公开年报 column) as a draft
    revision; it is published through the site's review workflow like any page, never here.
    A report already there gets a new draft revision (a published one stays published until
    the new revision is approved), so regenerating never makes a second page."""

    def __init__(self, organisation: Organisation, year: int, *, user) -> None:
        self.organisation = organisation
        self.year = year
        self.user = user

    def check(self) -> AnnualReport:
        """The report to write; ``PermissionDenied`` or ``AnnualReportError`` (Chinese) if it cannot be."""
        if not may_edit_report(self.user, self.organisation.pk):
            raise PermissionDenied("只能生成本机关的政府信息公开工作年度报告。")
        if not FIRST_YEAR <= self.year <= timezone.localdate().year:
            raise AnnualReportError(f"报告年度应在{FIRST_YEAR}年至今年之间。")
        self.site = organisation_site(self.organisation)
        self.column = report_column(self.site) if self.site else None
        if self.column is None:
            raise AnnualReportError(f"“{self.organisation.name}”的网站没有“政府信息公开年报”栏目，无法生成年报。")
        self.existing = report_page(self.site, self.year)
        if self.existing is not None:
            if self.existing.workflow_in_progress:
                raise AnnualReportError("这份年报正在审核中，审核结束（通过或退回）后再重新生成。")
            lock = self.existing.get_lock()
            if lock and lock.for_user(self.user):
                raise AnnualReportError("这份年报已被锁定，解锁后再重新生成。")
        report = build_report(self.organisation, self.year)
        problems = report.problems()
        if problems:
            raise AnnualReportError(["年报数据不平衡，不能生成：", *problems])
        return report

    def execute(self) -> AnnualReportPage:
        with transaction.atomic():
            # The organisation's row locked: two generations of its report queue up instead of making two pages.
            list(Organisation.objects.select_for_update().filter(pk=self.organisation.pk).values_list("pk"))
            report = self.check()
            body = report_html(report)
            if self.existing is None:
                page = AnnualReportPage(
                    title=report.title,
                    report_year=self.year,
                    body=body,
                    issuing_organisation=self.organisation,
                    live=False,
                )
                self.column.add_child(instance=page)
                log(instance=page, action="wagtail.create", user=self.user)
            else:
                page = self.existing.get_latest_revision_as_object()
                page.title, page.draft_title, page.body = report.title, report.title, body
            page.save_revision(user=self.user, log_action=True)
            return page
