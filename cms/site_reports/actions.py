"""The 政府网站工作年度报表's actions: saving what a site's admin entered, and generating the
report's page for review. Each is ``check()`` (permission and validity, writes nothing)
then ``execute()`` (calls ``check()``, writes in one transaction)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.blueprints import WEBSITE_ANNUAL_REPORTS, ensure_column
from cms.content.models import ColumnPage
from sites.models import SiteProfile, SiteType
from sites.page_cache import change_tags, retire_after_commit

from .models import FIRST_YEAR, SiteReport, SiteReportPage
from .permissions import may_edit
from .report import build_report
from .template import EnteredValuesForm, to_json


class ReportError(ValidationError):
    """A refusal with a message for the person who asked (Chinese)."""


def check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise ReportError(f"报表年度应在{FIRST_YEAR}年至{this_year}年之间。")


class SaveReportAction:
    """Store the entered rows of ``site``'s report for ``year`` (``data``: the form's raw values)."""

    def __init__(self, site: Site, year: int, data, user) -> None:
        self.site, self.year, self.user = site, year, user
        self.form = EnteredValuesForm(data=data)

    def check(self) -> None:
        if not may_edit(self.user, self.site.pk):
            raise PermissionDenied("只有本网站的站点管理员可以填报本网站的年度报表。")
        check_year(self.year)
        if not self.form.is_valid():
            raise ReportError({key: list(errors) for key, errors in self.form.errors.items()})

    def execute(self) -> SiteReport:
        self.check()
        with transaction.atomic():
            report, _ = SiteReport.objects.select_for_update().get_or_create(site=self.site, year=self.year)
            report.entered = to_json(self.form.cleaned_data)
            report.updated_by, report.updated_at = self.user, timezone.now()
            report.full_clean()
            report.save()
        return report


class GenerateReportPageAction:
    """Create, or update, the draft page of ``site``'s report for ``year`` in the site's
    政府网站工作年度报表 column, and submit it to the site's review workflow. Nothing is
    published here: the page goes live when its reviewers approve it, as every page does."""

    def __init__(self, site: Site, year: int, user) -> None:
        self.site, self.year, self.user = site, year, user

    def check(self) -> None:
        if not may_edit(self.user, self.site.pk):
            raise PermissionDenied("只有本网站的站点管理员可以生成本网站的年度报表。")
        check_year(self.year)
        stored = SiteReport.objects.filter(site=self.site, year=self.year).first()
        if stored is None:
            raise ReportError("请先填报并保存本年度报表。")
        stored.full_clean()
        missing = build_report(self.site, self.year, stored.entered).missing
        if missing:
            raise ReportError(f"以下项目尚未填写：{'、'.join(field.full_label for field in missing)}。")

    def execute(self) -> SiteReportPage:
        self.check()
        with transaction.atomic():
            stored = SiteReport.objects.select_for_update().get(site=self.site, year=self.year)
            report = build_report(self.site, self.year, stored.entered)
            column = _report_column(self.site)
            portal = _portal()
            if portal is not None:  # the portal's column lists every site's report
                _report_column(portal)
            page = _page_for(stored, column)
            page.title, page.report_year, page.body = report.title, self.year, report.html_table()
            page.source = self.site.profile.sponsor
            if page.pk is None:
                page.slug = f"nb{self.year}"
                page.live = False
                page.owner = self.user
                column.add_child(instance=page)
            page.save_revision(user=self.user, log_action=True)
            _submit_for_review(page, self.user)
            stored.page = page
            stored.generated_by, stored.generated_at = self.user, timezone.now()
            stored.save(update_fields=["page", "generated_by", "generated_at"])
        return page


def _portal() -> Site | None:
    return Site.objects.filter(profile__site_type=SiteType.PORTAL).first()


def _report_column(site: Site) -> ColumnPage:
    # Two sites generating at once both create the portal's column unless its home page is held.
    Page.objects.select_for_update().filter(pk=site.root_page_id).values_list("pk").first()
    profile = SiteProfile.objects.select_related("organisation").get(site=site)
    column, created = ensure_column(site.root_page, WEBSITE_ANNUAL_REPORTS, profile.organisation)
    if created:
        retire_after_commit(*change_tags(column))
    return column


def _page_for(stored: SiteReport, column: ColumnPage) -> SiteReportPage:
    """The page to write: the report's own (its latest revision), else one of that year already in
    the column (a report row recreated), else a new one."""
    page = stored.page or SiteReportPage.objects.child_of(column).filter(report_year=stored.year).first()
    if page is None:
        return SiteReportPage()
    return page.get_latest_revision_as_object()


def _submit_for_review(page: SiteReportPage, user) -> None:
    """Start the site's review workflow on the latest revision; a review under way restarts, so
    reviewers approve the figures just generated and not older ones."""
    workflow = page.get_workflow()
    if workflow is None:
        return  # a site without review: the draft waits for someone who may publish
    state = page.current_workflow_state
    if state is not None:
        state.cancel(user=user)
    workflow.start(page, user)
