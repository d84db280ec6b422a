"""网站监管 → 检查指标 and 每月通报: the board, a cell's causes, the recompute button, the report. Views only present:
the rules are in ``rules.py``, the writes in ``actions.py``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from core.exports import XLSX_CONTENT_TYPE
from sites.groups import sites_of_user

from .actions import SITE_ADMIN_ROLE, RecomputeIndicatorsAction, may_view_all
from .board import board_rows, visible_sites
from .models import SiteIndicator
from .pdf import report_pdf
from .report import Period, build_report, period_choices, report_xlsx
from .rules import RULES, RULES_BY_KEY
from .tasks import recompute_indicators_task


def may_use_board(user) -> bool:
    """For the menu: one query at most, remembered on the user (``sites_of_user``)."""
    return may_view_all(user) or bool(sites_of_user(user, (SITE_ADMIN_ROLE,)))


class _TitledBreadcrumbs:
    """Wagtail's generic header shows the breadcrumbs: end them with this page's title."""

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


class BoardView(_TitledBreadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/board.html"
    page_title = "检查指标"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        self.sites = visible_sites(request.user)
        if not (self.sites or may_view_all(request.user)):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rules=RULES, rows=board_rows(self.sites))
        return context


class CausesView(_TitledBreadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/causes.html"
    header_icon = "warning"

    def dispatch(self, request, site_id: int, rule: str, *args, **kwargs):
        self.rule = RULES_BY_KEY.get(rule)
        if self.rule is None:
            return redirect("monitoring_board")
        self.site = next((site for site in visible_sites(request.user) if site.pk == site_id), None)
        if self.site is None:
            return permission_denied(request)
        self.indicator = SiteIndicator.objects.filter(site=self.site, rule=self.rule.key).first()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.site.site_name} · {self.rule.name}"

    def get_breadcrumbs_items(self):
        board = {"url": reverse("monitoring_board"), "label": "检查指标"}
        items = super().get_breadcrumbs_items()
        return [*items[:-1], board, items[-1]]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        causes = []
        for cause in self.indicator.causes if self.indicator else []:
            if cause["kind"] == "letter":
                url = reverse("letters_admin:detail", args=[cause["id"]])
            else:
                url = reverse("wagtailadmin_pages:edit", args=[cause["id"]])
            causes.append({**cause, "url": url})
        context.update(site=self.site, rule=self.rule, indicator=self.indicator, causes=causes)
        return context


@require_POST
def recompute(request, site_id: int):
    site = get_object_or_404(Site, pk=site_id)
    try:
        RecomputeIndicatorsAction(site, user=request.user).check()
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("monitoring_board")
    recompute_indicators_task.enqueue(site.pk)
    messages.success(request, f"已提交“{site.site_name}”的重新计算；完成后刷新本页即可看到结果。")
    return redirect("monitoring_board")


REPORT_REFUSED = "只有信息中心可以查看全站群的每月通报和排名。"


class ReportView(_TitledBreadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    """网站监管 → 每月通报: the cluster's report and ranking for a month, quarter or year, as a
    printable page, PDF (``?format=pdf``) or XLSX (``?format=xlsx``). The info center only."""

    template_name = "monitoring/report.html"
    page_title = "每月通报"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not may_view_all(request.user):
            # As Wagtail answers a refusal in its admin (back to the dashboard), with the reason in words.
            messages.error(request, REPORT_REFUSED)
            return redirect("wagtailadmin_home")
        self.error = ""
        try:
            self.period = Period.parse(request.GET["period"]) if request.GET.get("period") else Period.current_month()
        except ValueError as error:
            self.error, self.period = str(error), Period.current_month()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        export = request.GET.get("format")
        if export in ("pdf", "xlsx") and not self.error:
            report = build_report(self.period)
            if export == "pdf":
                content, content_type = report_pdf(report), "application/pdf"
            else:
                content, content_type = report_xlsx(report), XLSX_CONTENT_TYPE
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="wzjg-{self.period.key}.{export}"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(report=build_report(self.period), choices=period_choices(), error=self.error)
        return context
