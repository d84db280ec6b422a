"""The rows of the 政府网站工作年度报表 the system computes for a site and a year.

Each figure is read from the capability that owns it, through that capability's own
selector where it has one: visits through ``cms.visits.statistics.daily`` (the statistics
page's figures), letters through ``cms.letters.public_selectors.monthly_statistics`` (the
mailbox's 统计 page), items through ``publicly_listed`` (what the public can find).
A fixed number of queries per site, whatever the number of items, letters or visits
(``tests/site_reports/test_figures.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from wagtail.models import Site

from cms.consultations.models import ConsultationComment, ConsultationPage
from cms.content.blueprints import OVERVIEW_COLUMNS, WEBSITE_ANNUAL_REPORTS
from cms.content.models import ArticlePage, ColumnPage, ColumnType
from cms.content.visibility import publicly_listed
from cms.disclosure.models import InterpretationPage
from cms.letters.public_selectors import monthly_statistics, year_bounds
from cms.visits.statistics import daily
from sites.models import SiteType

from .models import SiteReportPage

OVERVIEW_SLUGS = frozenset(spec.slug for spec in OVERVIEW_COLUMNS)
# 专题专栏 columns that are not 专栏专题 in the template's sense: the 概况 columns and the reports' own.
NOT_TOPICS = OVERVIEW_SLUGS | {WEBSITE_ANNUAL_REPORTS.slug}
# 网站类型 offers only these two: a township's or street's site is its government's own site.
SITE_KIND = {SiteType.PORTAL: "政府门户网站", SiteType.TOWNSHIP: "政府门户网站", SiteType.DEPARTMENT: "部门网站"}


def _outermost(paths: list[str]) -> list[str]:
    kept: list[str] = []
    for path in sorted(paths):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def _under(paths: list[str]) -> Q:
    """Pages beneath any of ``paths``; matches nothing for none."""
    condition = Q(pk__in=[])
    for path in _outermost(paths):
        condition |= Q(path__startswith=path) & ~Q(path=path)
    return condition


@dataclass(frozen=True)
class Columns:
    overview: list[str]
    news: list[str]
    topics_maintained: int
    topics_new: int


def _columns(home_path: str, year: int) -> Columns:
    """The site's columns the figures need: one query."""
    start, end = year_bounds(year)
    rows = list(
        publicly_listed(ColumnPage.objects.filter(path__startswith=home_path))
        .values_list("path", "slug", "depth", "column_type", "first_published_at")
        .order_by("path")
    )
    top_depth = len(home_path) // 4 + 1
    overview = [path for path, slug, depth, _t, _f in rows if slug in OVERVIEW_SLUGS and depth == top_depth]
    news = [path for path, _s, _d, column_type, _f in rows if column_type == ColumnType.NEWS]
    # A 专题 with sub-columns counts once; the 概况 columns and the reports' column are not 专题.
    excluded = [path for path, slug, depth, _t, _f in rows if slug in NOT_TOPICS and depth == top_depth]
    topics, kept = [], []
    for path, _s, _d, column_type, first_published in rows:
        if column_type != ColumnType.SPECIAL or any(path.startswith(p) for p in excluded + kept):
            continue
        kept.append(path)
        topics.append(first_published)
    maintained = sum(1 for first in topics if first is None or first < end)
    new = sum(1 for first in topics if first is not None and start <= first < end)
    return Columns(overview, news, maintained, new)


def _items(home_path: str, year: int, columns: Columns) -> dict[str, int]:
    """Items published in the year (the public can find them), by the template's kinds: one query."""
    start, end = year_bounds(year)
    interpretation = ContentType.objects.get_for_model(InterpretationPage)  # cached by Django
    report_type = ContentType.objects.get_for_model(SiteReportPage)
    items = publicly_listed(
        ArticlePage.objects.filter(path__startswith=home_path, publication_date__gte=start, publication_date__lt=end)
    ).exclude(content_type=report_type)
    return items.aggregate(
        info_total=Count("pk"),
        info_overview=Count("pk", filter=_under(columns.overview)),
        info_news=Count("pk", filter=_under(columns.news)),
        info_catalogue=Count("pk", filter=Q(in_catalogue=True)),
        interpretation_materials=Count("pk", filter=Q(content_type=interpretation)),
    )


def _consultations(home_path: str, year: int) -> dict[str, int]:
    """征集调查: one query. A consultation counts in the year it started; its comments are the
    feedback's 收到意见数 once published (it includes mail and letters), else the online ones."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    online = (
        ConsultationComment.objects.filter(consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_year = Q(start_date__range=(start, end))
    pages = ConsultationPage.objects.live().filter(path__startswith=home_path)
    pages = pages.filter(in_year | Q(feedback_published_on__range=(start, end))).annotate(
        received_comments=Coalesce("feedback_comment_count", Subquery(online, output_field=IntegerField()), Value(0))
    )
    totals = pages.aggregate(
        consultations=Count("pk", filter=in_year),
        consultation_comments=Coalesce(Sum("received_comments", filter=in_year), Value(0)),
        consultation_results=Count("pk", filter=Q(feedback_published_on__range=(start, end))),
    )
    return totals


def computed_figures(site: Site, year: int) -> dict[str, object]:
    """Every computed row of the template (``template.FIELDS`` with a ``source``) for ``site`` in
    ``year``; a fallback row (ICP, 公安备案) is None when the site profile does not hold it."""
    site = Site.objects.select_related("root_page", "profile__organisation").get(pk=site.pk)
    profile = site.profile
    home_path = site.root_page.path
    columns = _columns(home_path, year)
    days = daily({site.pk}, date(year, 1, 1), date(year, 12, 31))
    letters = monthly_statistics(site, year).total
    figures: dict[str, object] = {
        "site_name": site.site_name,
        "home_url": f"{site.root_url}/",
        "sponsor": profile.sponsor,
        "site_kind": SITE_KIND.get(profile.site_type, "政府门户网站"),
        "site_id_code": profile.site_id_code,
        "icp_number": profile.icp_number or None,
        "police_record_number": profile.police_record_number or None,
        "unique_visitors": sum(d.visitors for d in days),
        "total_visits": sum(d.views for d in days),
        "topics_maintained": columns.topics_maintained,
        "topics_new": columns.topics_new,
        "letters_received": letters.received,
        "letters_closed": letters.closed,
        "letters_average_days": letters.average_working_days,
        "letters_public": letters.public_replies,
        **_items(home_path, year, columns),
        **_consultations(home_path, year),
    }
    return figures


def suggestions(site: Site) -> dict[str, object]:
    """What the form proposes for entered rows the site's facts already suggest (editable)."""
    profile = site.profile
    return {"unit_name": profile.organisation.name, "contact_phone": profile.contact_phone}
