"""The missing-feedback flag: ended more than CONSULTATION_FEEDBACK_WORKING_DAYS working days ago
(the cluster's one holiday calendar: weekends, 法定节假日, 调休 make-up days, the info center's
overrides) without a published 征集结果反馈."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.consultations.selectors import consultations_missing_feedback
from cms.disclosure.models import WorkingDayOverride
from core.publishing import review_waived

from .conftest import make_consultation, today

pytestmark = pytest.mark.django_db


def flagged(on: date, site_ids=None) -> list[int]:
    return [item.consultation.pk for item in consultations_missing_feedback(site_ids, today=on, working_days=10)]


def test_across_a_weekend(department):
    # Friday 7 March 2025: ten working days later is Friday 21 March.
    page = make_consultation(department, start=date(2025, 2, 7), end=date(2025, 3, 7))
    assert flagged(date(2025, 3, 21)) == []
    assert flagged(date(2025, 3, 22)) == []  # Saturday
    assert flagged(date(2025, 3, 23)) == []  # Sunday
    assert flagged(date(2025, 3, 24)) == [page.pk]  # the 11th working day
    [item] = consultations_missing_feedback(today=date(2025, 3, 24), working_days=10)
    assert item.due == date(2025, 3, 21)
    assert item.site.pk == department.pk


def test_across_national_day_and_its_make_up_days(department):
    # Friday 26 September 2025; 国庆中秋 1–8 October off, Sunday 28 September and Saturday 11 October worked.
    page = make_consultation(department, start=date(2025, 9, 1), end=date(2025, 9, 26))
    assert flagged(date(2025, 10, 8)) == []  # 3 working days: 28, 29, 30 September
    assert flagged(date(2025, 10, 16)) == []  # the 10th working day (11 October counted)
    assert flagged(date(2025, 10, 17)) == [page.pk]


def test_an_override_of_the_info_center_counts(department):
    page = make_consultation(department, start=date(2025, 2, 7), end=date(2025, 3, 7))
    WorkingDayOverride.objects.create(date=date(2025, 3, 24), is_working_day=False, note="测试")
    assert flagged(date(2025, 3, 24)) == []
    assert flagged(date(2025, 3, 25)) == [page.pk]


def test_published_feedback_clears_the_flag_and_a_draft_does_not(department):
    page = make_consultation(department, start=date(2025, 2, 7), end=date(2025, 3, 7))
    page.feedback_comment_count, page.feedback_adopted_count = 3, 3
    page.feedback_published_on = date(2025, 3, 28)
    page.save_revision()  # written, not yet through review
    assert flagged(date(2025, 4, 1)) == [page.pk]
    with review_waived("测试数据"):
        page.get_latest_revision().publish()
    assert flagged(date(2025, 4, 1)) == []


def test_only_the_given_sites(department, township):
    a = make_consultation(department, start=date(2025, 2, 7), end=date(2025, 3, 7))
    b = make_consultation(township, start=date(2025, 2, 7), end=date(2025, 3, 7))
    assert flagged(date(2025, 4, 1)) == [a.pk, b.pk]
    assert flagged(date(2025, 4, 1), [township.pk]) == [b.pk]
    assert flagged(date(2025, 4, 1), []) == []


def test_query_count_does_not_grow_with_consultations(department, township, portal):
    make_consultation(department, start=date(2025, 2, 7), end=date(2025, 3, 7))

    def queries(site_ids=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            consultations_missing_feedback(site_ids, today=date(2025, 6, 2), working_days=10)
        return len(captured)

    queries()  # the process reads the holiday calendar's overrides once (working_days.all_overrides)
    few, few_for_site = queries(), queries([department.pk])
    for n, site in enumerate([department, township, portal] * 3):
        make_consultation(site, start=date(2025, 1, 6), end=date(2025, 3, 10) + timedelta(days=n))
    assert queries() == few <= 4
    assert queries([department.pk]) == few_for_site


def test_the_dashboard_shows_the_flag_to_the_info_center_and_to_the_unit_only(client, department, township, make_user):
    page = make_consultation(department, start=today() - timedelta(days=90), end=today() - timedelta(days=60))
    panel = "意见征集结果反馈逾期"

    client.force_login(make_user(None, "信息中心"))
    body = client.get("/admin/").content.decode()
    assert panel in body and page.title in body

    client.force_login(make_user(department, "editor"))
    body = client.get("/admin/").content.decode()
    assert panel in body and page.title in body

    client.force_login(make_user(township, "editor"))
    assert panel not in client.get("/admin/").content.decode()
