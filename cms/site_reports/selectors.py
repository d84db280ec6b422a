"""The public side of the 政府网站工作年度报表: the portal's list of every site's published report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from wagtail.models import Page, Site

from cms.content.blueprints import WEBSITE_ANNUAL_REPORTS
from cms.content.visibility import publicly_listed
from sites.site_facts import unlisted_site_paths

from .models import SiteReportPage

# Carried by the portal's cluster-wide list (sites.page_cache); retired by any report page's change.
CLUSTER_LIST_TAG = "site_reports"
HOME_DEPTH = 2


@dataclass(frozen=True)
class YearOfReports:
    year: int
    reports: list[SiteReportPage]  # each with ``site_name``, by site name


def is_cluster_list(column: Page) -> bool:
    """Whether ``column`` is the portal's 政府网站工作年度报表 column (the one listing every site's)."""
    return column.slug == WEBSITE_ANNUAL_REPORTS.slug and column.depth == HOME_DEPTH + 1


def published_reports() -> list[YearOfReports]:
    """Every open site's published report, newest year first: two queries whatever the number."""
    pages = publicly_listed(SiteReportPage.objects.all())
    hidden = unlisted_site_paths()
    if hidden:
        condition = Q()
        for path in hidden:
            condition |= Q(path__startswith=path)
        pages = pages.exclude(condition)
    pages = list(pages.only("title", "url_path", "path", "depth", "report_year").order_by("-report_year", "path"))
    homes = {page.path[: HOME_DEPTH * Page.steplen] for page in pages}
    names = dict(Site.objects.filter(root_page__path__in=homes).values_list("root_page__path", "site_name"))
    by_year: dict[int, list[SiteReportPage]] = {}
    for page in pages:
        page.site_name = names.get(page.path[: HOME_DEPTH * Page.steplen], "")
        by_year.setdefault(page.report_year, []).append(page)
    return [YearOfReports(year, sorted(reports, key=lambda p: p.site_name)) for year, reports in by_year.items()]
