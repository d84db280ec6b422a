"""访问统计 in the admin: one page per site, the cluster's page for the info center, XLSX exports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.models import Site

from core.exports import XLSX_CONTENT_TYPE

from . import statistics
from .forms import DateRangeForm
from .permissions import may_view_site, sees_cluster, visible_site_ids


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cluster_view(request: HttpRequest) -> HttpResponse:
    """The info center: every site and the cluster's trend; a site admin: their sites (one opens directly)."""
    site_ids = visible_site_ids(request.user)
    cluster = sees_cluster(request.user)
    if not site_ids and not cluster:
        raise PermissionDenied
    if not cluster and len(site_ids) == 1 and "export" not in request.GET:
        return redirect("visits:site", site_id=next(iter(site_ids)))
    form = DateRangeForm(request.GET or None)
    start, end = form.date_range()
    scope = None if cluster else site_ids
    if request.GET.get("export") == "xlsx":
        return _xlsx(statistics.cluster_xlsx(scope, site_ids, start, end), f"fwtj-zqz-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
    days = statistics.daily(scope, start, end)
    return TemplateResponse(
        request,
        "visits/cluster.html",
        {
            "heading": "访问统计",
            "subheading": "全站群" if cluster else "我的网站",
            "form": form,
            "start": start,
            "end": end,
            "days": days,
            "chart": statistics.trend_chart(days),
            "sites": statistics.by_site(site_ids, start, end),
            "totals": _totals(days),
        },
    )


def site_view(request: HttpRequest, site_id: int) -> HttpResponse:
    site = Site.objects.filter(pk=site_id).first()
    if site is None or not may_view_site(request.user, site.pk):
        raise Http404("没有这个网站，或您无权查看它的访问统计。")
    form = DateRangeForm(request.GET or None)
    start, end = form.date_range()
    if request.GET.get("export") == "xlsx":
        return _xlsx(statistics.site_xlsx(site.pk, start, end), f"fwtj-{site.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
    days = statistics.daily({site.pk}, start, end)
    return TemplateResponse(
        request,
        "visits/site.html",
        {
            "heading": "访问统计",
            "subheading": site.site_name or site.hostname,
            "site": site,
            "form": form,
            "start": start,
            "end": end,
            "days": days,
            "chart": statistics.trend_chart(days),
            "pages": statistics.top_pages(site.pk, start, end),
            "columns": statistics.by_column(site.pk, start, end),
            "totals": _totals(days),
            "back_to_cluster": sees_cluster(request.user) or len(visible_site_ids(request.user)) > 1,
        },
    )


def _totals(days: list[statistics.DayFigures]) -> dict[str, int]:
    return {"views": sum(d.views for d in days), "visitors": sum(d.visitors for d in days)}
