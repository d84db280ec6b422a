"""外部链接 (ExternalLinkRule) through the recompute: no data before any check, green when every
checked link answers, red once a link failed twice in a row, home-page links weighted."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.content.models import HomePage
from cms.linkcheck.actions import CheckExternalLinksAction
from cms.linkcheck.results import results_by_url
from cms.monitoring.actions import RecomputeIndicatorsAction
from cms.monitoring.models import SiteIndicator, Status
from core.publishing import review_waived

from .test_runs import linking

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_checks(settings):
    settings.LINKCHECK_READ_TIMEOUT = 0.3
    settings.LINKCHECK_HOST_DELAY = 0.0


def external_links(site) -> SiteIndicator:
    RecomputeIndicatorsAction(site).execute()
    return SiteIndicator.objects.get(site=site, rule="external_links")


def check_twice(site) -> None:
    CheckExternalLinksAction(site).execute()
    CheckExternalLinksAction(site, now=timezone.now() + timedelta(hours=21)).execute()


def test_no_data_before_the_checker_ran_then_green_when_every_link_answers(department, link_server):
    linking(department, link_server.route("/ok"), link_server.route("/also-ok"))
    row = external_links(department)
    assert row.status == Status.NO_DATA and "2处尚未检查" in row.message
    CheckExternalLinksAction(department).execute()
    row = external_links(department)
    assert (row.status, row.deduction, row.causes) == (Status.GREEN, Decimal(0), [])
    assert "已检查的外部链接2处均可访问" in row.message


def test_one_failure_is_reported_but_not_counted_two_in_a_row_turn_red(department, link_server):
    page = linking(department, link_server.route("/ok"), link_server.route("/gone", 404), title="含失效链接的信息")
    CheckExternalLinksAction(department).execute()
    row = external_links(department)
    assert row.status == Status.GREEN and "1处最近一次检查失败，待复查确认" in row.message
    CheckExternalLinksAction(department, now=timezone.now() + timedelta(hours=21)).execute()
    row = external_links(department)
    assert row.status == Status.RED
    assert row.deduction == Decimal("0.1")  # not on the home page
    assert [cause["id"] for cause in row.causes] == [page.pk]
    assert link_server.url("/gone") in row.message and "含失效链接的信息" in row.message
    assert "HTTP 404" in row.message and "其中首页0处" in row.message


def test_home_page_links_weigh_one_point_each_and_the_deduction_is_capped(department, link_server):
    home = HomePage.objects.get(pk=department.root_page_id)
    home.intro = f'<p><a href="{link_server.route("/home-gone", 404)}">友情链接</a></p>'
    with review_waived("测试数据"):
        home.save_revision().publish()
    check_twice(department)
    row = external_links(department)
    assert (row.status, row.deduction) == (Status.RED, Decimal(1))
    assert "其中首页1处" in row.message
    urls = [link_server.route(f"/gone{n}", 404) for n in range(60)]
    linking(department, *urls)
    check_twice(department)
    assert external_links(department).deduction == Decimal(5)  # 1 + 60 × 0.1, capped at 5


def test_a_site_without_external_links_passes(department):
    row = external_links(department)
    assert row.status == Status.GREEN and "没有外部链接" in row.message


def test_recompute_query_count_does_not_grow_with_external_links_or_sites(department, township, link_server):
    linking(department, link_server.route("/first"))
    CheckExternalLinksAction(department).execute()
    reset_queries()  # the log is a bounded deque, full after provisioning: its counts would not move
    with CaptureQueriesContext(connection) as few:
        RecomputeIndicatorsAction(department).execute()
    for n in range(10):
        linking(department, link_server.route(f"/more{n}"), link_server.route(f"/gone{n}", 404))
        linking(township, link_server.route(f"/township{n}"))
    check_twice(department)
    check_twice(township)
    reset_queries()
    with CaptureQueriesContext(connection) as many:
        RecomputeIndicatorsAction(department).execute()
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_the_stored_results_are_read_in_one_query_whatever_their_number(department, link_server):
    urls = [link_server.route(f"/p{n}") for n in range(30)]
    linking(department, *urls)
    CheckExternalLinksAction(department).execute()
    with CaptureQueriesContext(connection) as queries:
        results = results_by_url([*urls, "https://never.example.gov.cn/"])
    assert len(queries.captured_queries) == 1
    assert set(results) == set(urls)
