"""站点审计日志: Wagtail's site history report with a 站点 filter, exportable as CSV/XLSX.

Wagtail's report already shows a user only the log entries of pages they have
permissions on; the filter lets the info center (who sees every site) look at one
site at a time, and export it.
"""

from __future__ import annotations

import django_filters
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.models import Page, PageLogEntry, Site


def sites_for(user) -> list[Site]:
    sites = list(Site.objects.select_related("root_page").order_by("-is_default_site", "site_name"))
    if user.is_superuser:
        return sites
    roots = Page.objects.filter(group_permissions__group__in=user.groups.all()).values_list("path", flat=True)
    roots = list(roots)
    return [site for site in sites if any(site.root_page.path.startswith(path) for path in roots)]


class SiteAuditFilterSet(SiteHistoryReportFilterSet):
    site = django_filters.ChoiceFilter(label="站点", method="filter_site", empty_label="全部站点")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].extra["choices"] = [(str(s.pk), s.site_name) for s in sites_for(self.request.user)]

    def filter_site(self, queryset, name, value):
        site = Site.objects.select_related("root_page").filter(pk=value).first()
        if site is None:
            return queryset.none()
        if queryset.model is PageLogEntry:
            return queryset.filter(page__path__startswith=site.root_page.path)
        return queryset.none()  # entries about snippets, sites, users … belong to no one site

    class Meta(SiteHistoryReportFilterSet.Meta):
        pass


class SiteAuditView(LogEntriesView):
    page_title = "站点审计日志"
    filterset_class = SiteAuditFilterSet
    index_url_name = "workflow:audit"
    index_results_url_name = "workflow:audit_results"

    def get_filename(self):
        return "site-" + super().get_filename()
