"""The demo cluster: real corpus texts across a portal, 3 townships and 3 departments."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Site

from cms.content.models import ArticlePage
from cms.content.navigation import blank_menu_column_findings, menu_columns
from cms.monitoring.demo import recent_items
from cms.syndication.models import PushRecord
from demo.loader import DEMO_SITES, load_articles, starting_items
from sites.models import SiteType
from tests.conftest import layer_value, shared_layer


def _load_demo() -> None:
    call_command("load_demo", "--password", "Demo-pass-2026", verbosity=0)


@pytest.fixture
@shared_layer(_load_demo)  # loaded once for the tests here, each rolling back what it changes
def demo(db, request):
    layer_value(request, _load_demo)


class TestLoadDemo:
    def test_builds_portal_three_townships_three_departments(self, demo):
        types = [site.profile.site_type for site in Site.objects.select_related("profile")]
        assert types.count(SiteType.PORTAL) == 1
        assert types.count(SiteType.TOWNSHIP) >= 3
        assert types.count(SiteType.DEPARTMENT) >= 3
        assert Site.objects.get(is_default_site=True).hostname == "localhost"
        assert all(s.hostname.endswith(".localhost") for s in Site.objects.filter(is_default_site=False))

    def test_every_site_has_real_articles(self, demo):
        for spec in DEMO_SITES:
            site = Site.objects.get(hostname=spec.hostname)
            assert ArticlePage.objects.descendant_of(site.root_page).live().count() >= 4, spec.hostname
        # The demo's pushes add aliases and copies (cms/syndication/demo.py); count the originals.
        pushed = PushRecord.objects.filter(resulting_page__isnull=False).values("resulting_page_id")
        starting = sum(len(starting_items(spec, Site.objects.get(hostname=spec.hostname))) for spec in DEMO_SITES)
        recent = sum(len(recent_items(Site.objects.get(hostname=spec.hostname))) for spec in DEMO_SITES) + 1
        # This year's 政府网站工作年度报表 and 信息公开年报 of each (cms/site_reports/demo.py, cms/disclosure/demo.py).
        reports = 2 * len(DEMO_SITES)
        assert ArticlePage.objects.exclude(pk__in=pushed).count() == len(load_articles()) + starting + recent + reports

    def test_no_column_in_any_navigation_is_blank(self, demo, client):
        for spec in DEMO_SITES:
            site = Site.objects.get(hostname=spec.hostname)
            assert blank_menu_column_findings(site) == [], spec.hostname
            html = client.get("/", HTTP_HOST=spec.hostname).content.decode()
            start = html.index('aria-label="主导航"')
            navigation = html[start : html.index("</nav>", start)]
            for column in menu_columns(site.root_page):  # none left out for being blank either
                assert f">{column.title}</a>" in navigation, (spec.hostname, column.title)

    def test_articles_keep_their_real_titles_dates_and_document_numbers(self, demo):
        notice = ArticlePage.objects.get(title="宣城市人民政府办公室关于进一步加强“一网双微一通”建设的通知")
        assert f"{timezone.localtime(notice.publication_date):%Y-%m-%d %H:%M}" == "2016-12-15 15:20"  # Asia/Shanghai
        assert notice.source == "宣城市人民政府办公室"
        assert "各县、市、区人民政府" in notice.body
        assert notice.get_parent().specific.title == "政策文件"
        assert ArticlePage.objects.filter(body__contains="国发〔2018〕27号").exists()

    def test_is_idempotent(self, demo):
        from cms.letters.models import Letter

        def counts():
            return (
                Site.objects.count(),
                ArticlePage.objects.count(),
                get_user_model().objects.count(),
                Letter.objects.count(),
            )

        before = counts()
        call_command("load_demo", "--password", "Demo-pass-2026", verbosity=0)
        assert counts() == before

    def test_prints_the_admin_login_and_site_urls(self, db, capsys):
        call_command("load_demo", "--password", "Demo-pass-2026", verbosity=0)
        out = capsys.readouterr().out
        assert "admin / Demo-pass-2026" in out
        assert "http://jyj.localhost:8000/" in out

    def test_demo_accounts_can_log_in_to_their_own_site(self, demo, client):
        assert client.login(username="jyj_editor", password="Demo-pass-2026")
        assert client.get("/admin/").status_code == 200


class TestDemoLetters:
    def test_every_site_has_a_mailbox_with_public_replies(self, demo):
        from cms.letters.models import Letter, LetterState

        for spec in DEMO_SITES:
            site = Site.objects.get(hostname=spec.hostname)
            public = Letter.objects.filter(site=site, state=LetterState.REPLIED, is_public=True)
            assert public.count() >= 2, spec.hostname

    def test_letters_in_every_state_one_overdue_one_transferred_one_waiting(self, demo):
        from cms.letters.deadlines import clock_of
        from cms.letters.models import Letter, LetterState

        assert set(Letter.objects.values_list("state", flat=True)) == set(LetterState.values)
        assert any(clock_of(letter).is_overdue for letter in Letter.objects.exclude(state__in=["replied", "rejected"]))
        transferred = Letter.objects.filter(events__action="transfer").exclude(site__hostname="localhost")
        assert Letter.objects.filter(site__hostname="localhost", unit__hostname="jyj.localhost").exists()
        assert not transferred.filter(unit=None).exists()
        assert Letter.objects.filter(unit=None, state=LetterState.PENDING).exists()  # 待分办 at the info center


class TestMonitoringDemo:
    def test_the_board_shows_an_amber_township_and_a_faulty_department(self, demo):
        from cms.monitoring.models import SiteIndicator, Status

        def status(hostname: str, rule: str) -> str:
            return SiteIndicator.objects.get(site__hostname=hostname, rule=rule).status

        assert status("shuiyang.localhost", "home_update") == Status.AMBER
        assert {status(spec.hostname, "home_update") for spec in DEMO_SITES if spec.key != "shuiyang"} == {
            Status.GREEN
        }, "every other site has recent news"
        broken = SiteIndicator.objects.get(site__hostname="wjw.localhost", rule="external_links")
        assert broken.status == Status.RED and "wsj.xuanzhou.invalid" in broken.message
        blank = SiteIndicator.objects.get(site__hostname="wjw.localhost", rule="blank_columns")
        assert {"统计信息", "人事信息"} <= {cause["title"] for cause in blank.causes}

    def test_every_site_has_thirty_days_of_visits(self, demo):
        from cms.visits.models import Scope, VisitDay

        for spec in DEMO_SITES:
            days = VisitDay.objects.filter(site__hostname=spec.hostname, scope=Scope.SITE)
            assert days.count() == 30, spec.hostname
            assert all(day.visitors <= day.views for day in days)


class TestSiteReportsDemo:
    def test_every_site_published_this_year_s_report_through_review(self, demo, client):
        from cms.site_reports.models import SiteReport

        year = timezone.localdate().year
        reports = SiteReport.objects.filter(year=year, page__live=True).select_related("site", "page")
        assert {report.site.hostname for report in reports} == {spec.hostname for spec in DEMO_SITES}
        assert not any(report.page.has_unpublished_changes for report in reports), "approved, not only submitted"
        column = reports.get(site__hostname="localhost").page.get_parent()
        listing = client.get(column.get_url_parts()[2], HTTP_HOST="localhost")
        assert listing.status_code == 200
        html = listing.content.decode()
        assert all(spec.site_name in html for spec in DEMO_SITES), "the portal's column lists every site's report"

    def test_the_reports_figures_are_the_demo_s_own(self, demo):
        from django.db.models import Sum

        from cms.site_reports.figures import computed_figures
        from cms.visits.models import Scope, VisitDay

        year = timezone.localdate().year
        site = Site.objects.get(hostname="wjw.localhost")
        days = VisitDay.objects.filter(site=site, scope=Scope.SITE, date__year=year)
        figures = computed_figures(site, year)
        assert figures["total_visits"] == days.aggregate(n=Sum("views"))["n"] > 0
        assert figures["unique_visitors"] == days.aggregate(n=Sum("visitors"))["n"]
