"""The read side of consultations: public lists and the missing-feedback flag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.visibility import publicly_listed
from cms.disclosure.working_days import add_working_days, is_working_day, load_overrides
from sites.site_facts import unlisted_site_paths

from .models import ConsultationPage

LIST_FIELDS = ("title", "url_path", "path", "depth", "start_date", "end_date", "feedback_published_on")
# The portal lists every open consultation of the cluster and the latest closed ones.
PORTAL_LIST_SIZE = 20
HOME_DEPTH = 2  # every site's home page sits right below Wagtail's root
# Carried by the portal's cluster-wide list (sites.page_cache); retired by any consultation's change.
CLUSTER_LIST_TAG = "consultations"


def home_path(path: str) -> str:
    """The tree path of the home page (the site) a page at ``path`` belongs to."""
    return path[: HOME_DEPTH * Page.steplen]


def _within(paths) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def _open_first(pages: QuerySet, today: date) -> QuerySet:
    """征集中 first (closing soonest first), then 未开始, then closed ones (latest ended first)."""
    rank = Case(
        When(start_date__lte=today, end_date__gte=today, then=Value(0)),
        When(start_date__gt=today, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    open_end = Case(When(start_date__lte=today, end_date__gte=today, then="end_date"), default=None)
    return pages.annotate(list_rank=rank, open_end=open_end).order_by(
        "list_rank", "open_end", "-end_date", "-start_date", "-pk"
    )


def consultations_for_column(
    column: Page, *, cluster_wide: bool, today: date | None = None, limit: int | None = None
) -> list[ConsultationPage]:
    """The consultations a 互动交流 column lists: its own site's, or (the portal, ``cluster_wide``)
    those of every site the public may open — open ones first. One query (site names: one more
    when cluster-wide); each page gets ``list_state`` and, cluster-wide, ``site_name``."""
    today = today or timezone.localdate()
    pages = publicly_listed(ConsultationPage.objects.all())
    if cluster_wide:
        hidden = unlisted_site_paths()
        if hidden:
            pages = pages.exclude(_within(hidden))
        limit = limit or PORTAL_LIST_SIZE
    else:
        pages = pages.filter(path__startswith=home_path(column.path))
    pages = _open_first(pages.only(*LIST_FIELDS), today)
    listed = list(pages[:limit] if limit else pages)
    names = _site_names(listed) if cluster_wide and listed else {}
    for page in listed:
        page.list_state = page.state(today)
        page.site_name = names.get(home_path(page.path), "")
    return listed


def _site_names(pages) -> dict[str, str]:
    homes = {home_path(page.path) for page in pages}
    return dict(Site.objects.filter(root_page__path__in=homes).values_list("root_page__path", "site_name"))


# --- the missing-feedback flag ----------------------------------------------------------


@dataclass(frozen=True)
class MissingFeedback:
    consultation: ConsultationPage
    site: Site | None
    due: date  # the last day the feedback was due


def feedback_due(end_date: date, working_days: int | None = None) -> date:
    """The last day the 征集结果反馈 of a consultation ended on ``end_date`` is on time."""
    return add_working_days(end_date, _working_days(working_days))


def _working_days(working_days: int | None) -> int:
    return settings.CONSULTATION_FEEDBACK_WORKING_DAYS if working_days is None else working_days


def latest_flagged_end_date(today: date, working_days: int) -> date:
    """The latest end date that is more than ``working_days`` working days before ``today``:
    a consultation ended on or before it is overdue. One overrides query in practice."""
    span = timedelta(days=2 * working_days + 30)  # room for a Spring Festival week
    loaded_from = today - span
    overrides = load_overrides(loaded_from, today)
    day, counted = today, 0
    while True:
        if day < loaded_from:  # a long stretch without working days: read further back
            loaded_from -= span
            overrides = {**overrides, **load_overrides(loaded_from, day)}
        if is_working_day(day, overrides):
            counted += 1
            if counted > working_days:
                return day - timedelta(days=1)
        day -= timedelta(days=1)


def consultations_missing_feedback(
    site_ids: list[int] | None = None, *, today: date | None = None, working_days: int | None = None
) -> list[MissingFeedback]:
    """Live consultations whose end date passed more than ``CONSULTATION_FEEDBACK_WORKING_DAYS``
    working days ago without a published 征集结果反馈, longest overdue first; of the given sites
    only when ``site_ids`` is given. Four queries at most, whatever the number of consultations or sites."""
    today = today or timezone.localdate()
    working_days = _working_days(working_days)
    cutoff = latest_flagged_end_date(today, working_days)
    sites = list(Site.objects.select_related("root_page").only("site_name", "root_page__path"))
    if site_ids is not None:
        sites = [site for site in sites if site.pk in set(site_ids)]
        if not sites:
            return []
    pages = ConsultationPage.objects.live().filter(end_date__lte=cutoff, feedback_published_on__isnull=True)
    if site_ids is not None:
        pages = pages.filter(_within(site.root_page.path for site in sites))
    pages = list(pages.only(*LIST_FIELDS).order_by("end_date", "pk"))
    if not pages:
        return []
    by_home = {site.root_page.path: site for site in sites}
    overrides = load_overrides(pages[0].end_date, today)  # every due date lies in this span
    return [
        MissingFeedback(
            page, by_home.get(home_path(page.path)), add_working_days(page.end_date, working_days, overrides)
        )
        for page in pages
    ]
