"""网站监管 → 年度报表 in the admin: the sites' list for a year, one site's report (computed rows
read-only with their source, entered rows as a form), generation and the XLSX downloads.
Thin: the actions and ``report`` do the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.models import Site

from core.exports import XLSX_CONTENT_TYPE

from .actions import GenerateReportPageAction, ReportError, SaveReportAction, check_year
from .models import FIRST_YEAR, SiteReport
from .permissions import may_edit, may_view, sees_all, visible_site_ids
from .report import build_report, cluster_xlsx, form_proposals, site_xlsx
from .template import EnteredValuesForm, form_initial


def default_year() -> int:
    """The year whose report is due: the last one (due by 31 January)."""
    return timezone.localdate().year - 1


def _years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _year_or_404(year: int) -> int:
    try:
        check_year(year)
    except ReportError as error:
        raise Http404(error.messages[0]) from error
    return year


def _site_or_404(request: HttpRequest, site_id: int) -> Site:
    site = Site.objects.select_related("profile__organisation", "root_page").filter(pk=site_id).first()
    if site is None or not may_view(request.user, site.pk):
        raise Http404("没有这个网站，或您无权查看它的年度报表。")
    return site


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def index(request: HttpRequest) -> HttpResponse:
    site_ids = visible_site_ids(request.user)
    if not site_ids:
        raise PermissionDenied
    year = default_year()
    raw = request.GET.get("year", "")
    if raw:
        try:
            year = int(raw)
            check_year(year)
        except (ValueError, ReportError):
            messages.error(request, f"报表年度“{raw}”无效，已显示{default_year()}年度。")
            year = default_year()
    sites = list(Site.objects.filter(pk__in=site_ids).order_by("site_name"))
    stored = {r.site_id: r for r in SiteReport.objects.filter(site_id__in=site_ids, year=year).select_related("page")}
    return TemplateResponse(
        request,
        "site_reports/index.html",
        {
            "year": year,
            "years": _years(),
            "rows": [(site, stored.get(site.pk)) for site in sites],
            "sees_all": sees_all(request.user),
        },
    )


def site_report(request: HttpRequest, site_id: int, year: int) -> HttpResponse:
    site = _site_or_404(request, site_id)
    year = _year_or_404(year)
    editable = may_edit(request.user, site.pk)
    stored = SiteReport.objects.filter(site=site, year=year).first()
    entered = stored.entered if stored else {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        action = SaveReportAction(site, year, request.POST, request.user)
        try:
            action.execute()
        except ReportError:
            form = action.form
            messages.error(request, "填报内容有误，请按提示修改后再保存。")
        else:
            messages.success(request, "已保存。")
            return redirect("site_reports:site", site_id=site.pk, year=year)
    else:
        form = EnteredValuesForm(initial={**form_proposals(site, entered), **form_initial(entered)})
    report = build_report(site, year, entered)
    # Each row with its form field when the user fills it in (a computed row has none).
    sections = [
        (section, [(row, form[row.field.key] if editable and not row.from_system else None) for row in rows])
        for section, rows in report.sections()
    ]
    return TemplateResponse(
        request,
        "site_reports/site.html",
        {
            "site": site,
            "year": year,
            "years": _years(),
            "report": report,
            "sections": sections,
            "form": form,
            "stored": stored,
            "editable": editable,
            "missing": report.missing,
        },
    )


@require_POST
def generate(request: HttpRequest, site_id: int, year: int) -> HttpResponse:
    site = _site_or_404(request, site_id)
    year = _year_or_404(year)
    try:
        page = GenerateReportPageAction(site, year, request.user).execute()
    except PermissionDenied as error:
        messages.error(request, str(error) or "您无权生成本网站的年度报表。")
    except ReportError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已生成“{page.title}”草稿并提交审核，审核通过后发布。")
    return redirect("site_reports:site", site_id=site.pk, year=year)


def export_site(request: HttpRequest, site_id: int, year: int) -> HttpResponse:
    site = _site_or_404(request, site_id)
    year = _year_or_404(year)
    return _xlsx(site_xlsx(build_report(site, year)), f"wzndbb-{site.pk}-{year}.xlsx")


def export_cluster(request: HttpRequest, year: int) -> HttpResponse:
    if not sees_all(request.user):
        raise PermissionDenied
    year = _year_or_404(year)
    sites = Site.objects.select_related("profile").order_by("site_name")
    entered = dict(SiteReport.objects.filter(year=year).values_list("site_id", "entered"))
    reports = [build_report(site, year, entered.get(site.pk, {})) for site in sites if hasattr(site, "profile")]
    return _xlsx(cluster_xlsx(reports, year), f"wzndbb-all-{year}.xlsx")
