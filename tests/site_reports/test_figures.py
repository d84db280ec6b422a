"""The rows the system computes: each from its own capability, for one site and one year only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.letters.public_selectors import monthly_statistics
from cms.site_reports.figures import computed_figures
from cms.site_reports.report import build_report
from tests.conftest import column_of, publish_article

from .conftest import YEAR, at, catalogue_item, closed_letter, visit_day

pytestmark = pytest.mark.django_db


def test_site_facts_come_from_the_site_profile(department):
    figures = computed_figures(department, YEAR)
    profile = department.profile
    assert figures["site_name"] == "宣州区教育局"
    assert figures["home_url"] == f"{department.root_url}/"
    assert figures["sponsor"] == profile.sponsor
    assert figures["site_kind"] == "部门网站"
    assert figures["site_id_code"] == profile.site_id_code


def test_the_portal_and_a_township_are_government_portals(portal, township):
    assert computed_figures(portal, YEAR)["site_kind"] == "政府门户网站"
    assert computed_figures(township, YEAR)["site_kind"] == "政府门户网站"


def test_a_fact_the_profile_lacks_is_entered_instead(department):
    department.profile.icp_number = ""
    department.profile.save()
    report = build_report(department, YEAR, {"icp_number": "皖ICP备05001234号"})
    row = next(r for r in report.rows if r.field.key == "icp_number")
    assert (row.value, row.from_system, row.origin) == ("皖ICP备05001234号", False, "填报")
    department.profile.icp_number = "皖ICP备99999999号"
    department.profile.save()
    row = next(
        r
        for r in build_report(department, YEAR, {"icp_number": "皖ICP备05001234号"}).rows
        if r.field.key == "icp_number"
    )
    assert row.value == "皖ICP备99999999号" and row.from_system


def test_items_of_the_year_by_kind(department, crafted):
    figures = computed_figures(department, YEAR)
    # 2 news, 1 in 部门概况, 1 catalogue notice, 1 interpretation; 2024's, 2026's and the township's left out.
    assert figures["info_total"] == 5
    assert figures["info_news"] == 2
    assert figures["info_overview"] == 1
    assert figures["info_catalogue"] == 1
    assert figures["interpretation_materials"] == 1


def test_an_unpublished_item_is_not_counted(department, crafted):
    news = column_of(department, "gzdt")
    item = publish_article(news, "撤下的动态", at(YEAR, 7, 1))
    assert computed_figures(department, YEAR)["info_total"] == 6
    item.unpublish()
    assert computed_figures(department, YEAR)["info_total"] == 5


def test_special_columns_maintained_and_new(department, crafted):
    figures = computed_figures(department, YEAR)
    # 双减专题 (2024) and 教育高质量发展 (2025) by the end of 2025; 部门概况 is not a 专题; 2026's not yet.
    assert (figures["topics_maintained"], figures["topics_new"]) == (2, 1)


def test_visits_are_the_years_views_and_daily_visitors(department, crafted):
    figures = computed_figures(department, YEAR)
    assert (figures["total_visits"], figures["unique_visitors"]) == (150, 70)


def test_letters_are_the_mailbox_statistics_of_the_year(department, crafted):
    figures = computed_figures(department, YEAR)
    total = monthly_statistics(department, YEAR).total
    assert (figures["letters_received"], figures["letters_closed"], figures["letters_public"]) == (3, 2, 1)
    assert figures["letters_average_days"] == total.average_working_days is not None
    assert (total.received, total.closed, total.public_replies) == (3, 2, 1)


def test_consultations_of_the_year(department, crafted):
    figures = computed_figures(department, YEAR)
    # Two started in 2025: one answered (12 comments per its feedback), one with 2 online comments;
    # results published in 2025: the answered one and the one of December 2024.
    assert figures["consultations"] == 2
    assert figures["consultation_comments"] == 14
    assert figures["consultation_results"] == 2


def test_interpretation_total_adds_the_entered_products_and_comments(department, crafted):
    report = build_report(department, YEAR, {"interpretation_products": 3, "media_comments": 2})
    assert report.value("interpretations_total") == 1 + 3 + 2
    assert build_report(department, YEAR, {}).value("interpretations_total") is None


def test_another_year_has_its_own_figures(department, crafted):
    figures = computed_figures(department, YEAR - 1)
    assert (figures["info_total"], figures["total_visits"], figures["letters_received"]) == (1, 1000, 1)
    assert figures["consultations"] == 1 and figures["consultation_results"] == 0


def _queries(site) -> int:
    computed_figures(site, YEAR)  # warm the process-wide caches (content types, hidden subtrees)
    with CaptureQueriesContext(connection) as queries:
        computed_figures(site, YEAR)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_data(department, crafted):
    before = _queries(department)
    news, notices = column_of(department, "gzdt"), column_of(department, "tzgg")
    for n in range(15):
        publish_article(news, f"动态{n}", at(YEAR, 2, n + 1))
        catalogue_item(notices, f"通知{n}", at(YEAR, 5, n + 1))
        visit_day(department, at(YEAR, 7, n + 1).date(), 10, 5)
        closed_letter(department, at(YEAR, 8, n + 1), at(YEAR, 8, n + 2))
    assert computed_figures(department, YEAR)["info_total"] == 35
    assert _queries(department) == before <= 10
