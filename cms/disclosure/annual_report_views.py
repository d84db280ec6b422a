"""信息公开 → 政府信息公开年报: every reporting organisation's report of a year (entered? generated?
published by 31 January?), one report's tables with its balance checks, the form of what is
entered, generation and the XLSX. Views only present: the figures and the writes are in
``annual_report``; who may see what is ``annual_report.may_edit_report``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import FormView, TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from core.exports import XLSX_CONTENT_TYPE
from core.forms import query_value
from sites.models import Organisation, SiteProfile

from .annual_report import (
    FIRST_YEAR,
    AnnualReportError,
    GenerateAnnualReportAction,
    build_report,
    due_date,
    may_edit_report,
    may_use_annual_reports,
    report_html,
    report_xlsx,
    reporting_organisations,
)
from .models import TABLE4_COLUMNS, TABLE4_GROUPS, AnnualReportData, AnnualReportPage

INDEX = "disclosure_annual_reports:index"


def default_year() -> int:
    """The year whose report is due next: last year's (due 31 January of this one)."""
    return timezone.localdate().year - 1


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("没有这个年度的年报。")
    return year


def _organisation_or_deny(request, organisation_id: int) -> Organisation:
    # Another organisation's report, or a guessed id: refused alike.
    if not may_edit_report(request.user, organisation_id):
        raise PermissionDenied("只能查看和填写本机关的政府信息公开工作年度报告。")
    return get_object_or_404(Organisation, pk=organisation_id)


class _TitledBreadcrumbs:
    def get_breadcrumbs_items(self):
        index = {"url": reverse(INDEX), "label": "政府信息公开年报"}
        items = [*super().get_breadcrumbs_items(), index]
        if self.get_page_title() != index["label"]:
            items.append({"url": "", "label": self.get_page_title()})
        return items


@dataclass(frozen=True)
class ReportStatus:
    organisation: Organisation
    data: AnnualReportData | None
    page: AnnualReportPage | None

    @property
    def label(self) -> str:
        if self.page is None:
            return "未生成"
        if not self.page.live:
            return "草稿（待提交审核）"
        return "已发布（有未发布的修改）" if self.page.has_unpublished_changes else "已发布"


def report_statuses(organisations: list[Organisation], year: int) -> list[ReportStatus]:
    """Each organisation's entered data and report page for ``year``: three queries, whatever their number."""
    ids = [o.pk for o in organisations]
    data = {d.organisation_id: d for d in AnnualReportData.objects.filter(organisation_id__in=ids, year=year)}
    roots = dict(
        SiteProfile.objects.filter(organisation_id__in=ids)
        .order_by("pk")
        .values_list("site__root_page__path", "organisation_id")
    )
    pages: dict[int, AnnualReportPage] = {}
    for page in (
        AnnualReportPage.objects.filter(report_year=year)
        .only("path", "live", "has_unpublished_changes", "title", "url_path")
        .order_by("path")
    ):
        organisation_id = next((o for root, o in roots.items() if page.path.startswith(root)), None)
        if organisation_id is not None:
            pages.setdefault(organisation_id, page)
    return [ReportStatus(o, data.get(o.pk), pages.get(o.pk)) for o in organisations]


class AnnualReportIndexView(_TitledBreadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    template_name = "disclosure/annual_reports/index.html"
    page_title = "政府信息公开年报"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not may_use_annual_reports(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = query_value(
            self.request, "year", forms.IntegerField(min_value=FIRST_YEAR, max_value=today.year), default_year()
        )
        due = due_date(year)
        rows = report_statuses(reporting_organisations(self.request.user), year)
        context.update(
            year=year,
            due=due,
            overdue=today > due,
            rows=rows,
            published=sum(1 for row in rows if row.page is not None and row.page.live),
            years=range(today.year, FIRST_YEAR - 1, -1),
        )
        return context


class AnnualReportDetailView(_TitledBreadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    """One report's tables as they will be published, its balance checks, and the generate button."""

    template_name = "disclosure/annual_reports/detail.html"
    header_icon = "table"

    def dispatch(self, request, organisation_id: int, year: int, *args, **kwargs):
        self.organisation = _organisation_or_deny(request, organisation_id)
        self.year = _year_or_404(year)
        self.report = build_report(self.organisation, self.year)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(report_xlsx(self.report), content_type=XLSX_CONTENT_TYPE)
            filename = f"{self.report.title}.xlsx"
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.report.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = report_statuses([self.organisation], self.year)[0]
        context.update(
            report=self.report,
            body=mark_safe(report_html(self.report)),  # sanitised (core.security)
            problems=self.report.problems(),
            status=status,
            due=due_date(self.year),
            overdue=timezone.localdate() > due_date(self.year),
        )
        return context


# The form's fields under the template's headings (what is not here is computed).
FORM_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("一、总体情况", ("overview",)),
    (
        "二、主动公开政府信息情况（规章、行政规范性文件由系统按政策文件统计）",
        ("licensing_decisions", "punishment_decisions", "coercion_decisions", "administrative_fees"),
    ),
    ("四、政府信息公开行政复议、行政诉讼情况", tuple(f"{g}_{c}" for g, _ in TABLE4_GROUPS for c, _ in TABLE4_COLUMNS)),
    ("五、存在的主要问题及改进情况", ("problems",)),
    ("六、其他需要报告的事项", ("fee_notices", "fee_notices_amount", "fees_collected", "other_matters")),
)


class AnnualReportDataForm(forms.ModelForm):
    class Meta:
        model = AnnualReportData
        fields = [name for _, names in FORM_SECTIONS for name in names]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 12}),
            "problems": forms.Textarea(attrs={"rows": 8}),
            "other_matters": forms.Textarea(attrs={"rows": 8}),
        }

    def grouped_fields(self):
        return [(heading, [self[name] for name in names]) for heading, names in FORM_SECTIONS]


class AnnualReportEditView(_TitledBreadcrumbs, WagtailAdminTemplateMixin, FormView):
    """What the organisation enters for the report; the balance checks are the model's (``clean``)."""

    template_name = "disclosure/annual_reports/edit.html"
    form_class = AnnualReportDataForm
    header_icon = "edit"

    def dispatch(self, request, organisation_id: int, year: int, *args, **kwargs):
        self.organisation = _organisation_or_deny(request, organisation_id)
        self.year = _year_or_404(year)
        self.instance = AnnualReportData.objects.filter(organisation=self.organisation, year=self.year).first()
        if self.instance is None:
            self.instance = AnnualReportData(organisation=self.organisation, year=self.year)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.organisation.name}{self.year}年年报数据"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instance}

    def form_valid(self, form):
        data = form.save(commit=False)
        created = data.pk is None
        data.updated_by = self.request.user
        data.save()
        log(instance=data, action="wagtail.create" if created else "wagtail.edit", user=self.request.user)
        messages.success(self.request, "年报数据已保存。")
        return redirect("disclosure_annual_reports:detail", self.organisation.pk, self.year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(organisation=self.organisation, year=self.year)
        return context


def generate_view(request, organisation_id: int, year: int):
    """POST: build or update the draft report page, then open it in the page editor to submit it."""
    if request.method != "POST":
        return redirect("disclosure_annual_reports:detail", organisation_id, year)
    organisation = _organisation_or_deny(request, organisation_id)
    action = GenerateAnnualReportAction(organisation, _year_or_404(year), user=request.user)
    try:
        page = action.execute()
    except AnnualReportError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("disclosure_annual_reports:detail", organisation_id, year)
    messages.success(request, f"已生成“{page.title}”的草稿：请检查后提交审核。")
    return redirect("wagtailadmin_pages:edit", page.pk)
