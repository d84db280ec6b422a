"""Art. 26 timeliness: working days on the real Chinese holiday calendar, and the admin report.

《政府信息公开条例》(2019) 第二十六条: 主动公开 within 20 working days of the
information being formed. Calendar facts used below (国务院办公厅 notices):
2024 National Day: 1–7 October off, Sunday 29 September and Saturday 12 October
are make-up working days; 2025 Spring Festival: 28 January – 4 February off,
Sunday 26 January and Saturday 8 February are make-up working days.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from cms.accounts.roles import INFO_CENTER_GROUP, info_center_group
from cms.content.models import ArticlePage
from cms.disclosure import working_days
from cms.disclosure.models import WorkingDayOverride
from cms.disclosure.reports import TimelinessReportMenuItem, candidate_items, find_overdue
from cms.disclosure.working_days import (
    ART26_WORKING_DAYS,
    WorkingDayIndex,
    add_working_days,
    is_working_day,
    uncovered_years,
    working_days_between,
)
from sites.groups import site_group

from ..conftest import column_of, publish_article

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORT_URL = reverse("disclosure:timeliness_report")
NO_OVERRIDES: dict[date, bool] = {}


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in Beijing time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


class TestWorkingDays:
    def test_2024_national_day_holiday_and_its_make_up_days(self, db):
        assert not any(is_working_day(d, NO_OVERRIDES) for d in days(date(2024, 10, 1), date(2024, 10, 7)))
        assert is_working_day(date(2024, 9, 29), NO_OVERRIDES)  # Sunday, make-up working day
        assert is_working_day(date(2024, 10, 12), NO_OVERRIDES)  # Saturday, make-up working day
        assert not is_working_day(date(2024, 10, 13), NO_OVERRIDES)  # an ordinary Sunday

    def test_2025_spring_festival_and_its_make_up_days(self, db):
        assert not any(is_working_day(d, NO_OVERRIDES) for d in days(date(2025, 1, 28), date(2025, 2, 4)))
        assert is_working_day(date(2025, 1, 26), NO_OVERRIDES)  # Sunday
        assert is_working_day(date(2025, 2, 8), NO_OVERRIDES)  # Saturday
        assert is_working_day(date(2025, 2, 5), NO_OVERRIDES)

    def test_working_days_between_excludes_the_start_includes_the_end_and_skips_the_holiday(self, db):
        assert working_days_between(date(2024, 9, 30), date(2024, 10, 8)) == 1  # only Tuesday 8 October
        assert working_days_between(date(2024, 9, 27), date(2024, 10, 8)) == 3  # Sun 29 (make-up), Mon 30, Tue 8
        assert working_days_between(date(2025, 1, 27), date(2025, 2, 5)) == 1  # the whole Spring Festival off
        assert working_days_between(date(2024, 10, 8), date(2024, 10, 8)) == 0
        assert working_days_between(date(2024, 10, 9), date(2024, 10, 8)) == 0

    def test_art26_deadlines_across_the_holidays(self, db):
        assert ART26_WORKING_DAYS == 20
        # Formed Friday 20 September 2024: a naive Monday–Friday count would say 18 October.
        assert add_working_days(date(2024, 9, 20), ART26_WORKING_DAYS) == date(2024, 10, 23)
        assert add_working_days(date(2025, 1, 20), ART26_WORKING_DAYS) == date(2025, 2, 21)
        assert add_working_days(date(2024, 9, 20), 0) == date(2024, 9, 20)
        with pytest.raises(ValueError):
            add_working_days(date(2024, 9, 20), -1)

    def test_add_working_days_is_the_first_day_reaching_the_count(self, db):
        for start in days(date(2024, 9, 15), date(2024, 10, 15)):
            deadline = add_working_days(start, ART26_WORKING_DAYS)
            assert working_days_between(start, deadline) == ART26_WORKING_DAYS
            assert working_days_between(start, deadline - timedelta(days=1)) == ART26_WORKING_DAYS - 1

    def test_an_override_wins_over_the_calendar(self, db):
        WorkingDayOverride.objects.create(date=date(2024, 10, 8), is_working_day=False, note="假设临时放假")
        WorkingDayOverride.objects.create(date=date(2024, 10, 5), is_working_day=True, note="假设临时上班")
        assert not is_working_day(date(2024, 10, 8))
        assert is_working_day(date(2024, 10, 5))
        assert working_days_between(date(2024, 9, 30), date(2024, 10, 9)) == 2  # Sat 5 and Wed 9

    def test_a_year_the_package_does_not_cover_falls_back_to_monday_to_friday_and_is_reported(self, db):
        assert not working_days.is_covered_by_holiday_calendar(2030)
        assert working_days.is_covered_by_holiday_calendar(2024)
        assert is_working_day(date(2030, 10, 1))  # a Tuesday: without data, an ordinary weekday
        assert working_days_between(date(2030, 9, 30), date(2030, 10, 8)) == 6
        assert uncovered_years(date(2030, 1, 1), date(2030, 12, 31)) == [2030]
        assert uncovered_years(date(2024, 1, 1), date(2025, 12, 31)) == []
        assert working_days.format_years([2001, 2002, 2003, 2030]) == "2001–2003年、2030年"

    def test_override_rows_for_an_uncovered_year_change_the_answer(self, db):
        # The info center enters the 2030 National Day holiday (weekdays 1–4 and 7 October).
        WorkingDayOverride.objects.bulk_create(
            WorkingDayOverride(date=d, is_working_day=False, note="国庆节")
            for d in days(date(2030, 10, 1), date(2030, 10, 7))
            if d.weekday() < 5
        )
        assert not is_working_day(date(2030, 10, 1))
        assert working_days_between(date(2030, 9, 30), date(2030, 10, 8)) == 1
        assert uncovered_years(date(2030, 1, 1), date(2030, 12, 31)) == []

    def test_overrides_are_read_in_one_query_not_one_per_day(self, db, django_assert_num_queries):
        with django_assert_num_queries(1):
            # all of 2024: China's official count is 251 working days
            assert working_days_between(date(2023, 12, 31), date(2024, 12, 31)) == 251
        with django_assert_num_queries(0):  # the process holds the overrides until one changes
            add_working_days(date(2025, 1, 20), ART26_WORKING_DAYS)
        WorkingDayOverride.objects.create(date=date(2025, 2, 5), is_working_day=False, note="假设临时放假")
        with django_assert_num_queries(1):
            assert add_working_days(date(2025, 2, 4), 1) == date(2025, 2, 6)

    def test_the_index_agrees_with_working_days_between(self, db):
        index = WorkingDayIndex(date(2024, 9, 1), date(2024, 11, 30))
        for start in days(date(2024, 9, 1), date(2024, 10, 15)):
            end = start + timedelta(days=30)
            assert index.between(start, end) == working_days_between(start, end, NO_OVERRIDES)
        with pytest.raises(ValueError):
            index.between(date(2024, 8, 31), date(2024, 9, 5))


@pytest.fixture
def township_items(township, topic):
    """Items of the township's 通知公告 column, all formed on Friday 20 September 2024 (deadline 23 October)."""
    column = column_of(township, "tzgg")
    org = township.profile.organisation
    metadata = {
        "issuing_organisation": org,
        "topic": topic,
        "genre": "通知",
        "disclosure_term": "long_term",
        "date_formed": date(2024, 9, 20),
    }
    overdue = publish_article(column, "关于秋季森林防火的通知", at(2024, 10, 28), in_catalogue=True, **metadata)
    on_time = publish_article(
        column, "关于国庆假期值班安排的通知", at(2024, 10, 23, 23, 30), in_catalogue=True, **metadata
    )
    # 00:30 on 24 October in Beijing is still 23 October in UTC: the Beijing date counts.
    just_late = publish_article(column, "关于秋粮收购的通知", at(2024, 10, 24, 0, 30), in_catalogue=True, **metadata)
    not_in_catalogue = publish_article(column, "镇领导调研秋收工作", at(2024, 11, 15), **metadata)
    draft = ArticlePage(
        title="未发布的通知草稿", slug="draft", body="<p>草稿</p>", in_catalogue=True, live=False, **metadata
    )
    column.add_child(instance=draft)
    draft.save_revision()
    return {
        "overdue": overdue,
        "on_time": on_time,
        "just_late": just_late,
        "not_in_catalogue": not_in_catalogue,
        "draft": draft,
    }


class TestOverdueComputation:
    def test_lists_only_live_catalogue_items_beyond_20_working_days_most_overdue_first(self, township_items):
        result = find_overdue(candidate_items())
        assert [(item.title, item.overdue_working_days) for item in result.items] == [
            ("关于秋季森林防火的通知", 3),  # 24, 25, 28 October
            ("关于秋粮收购的通知", 1),
        ]
        first = result.items[0]
        assert first.page_id == township_items["overdue"].pk
        assert (first.date_formed, first.published_on) == (date(2024, 9, 20), date(2024, 10, 28))
        assert result.uncovered_years == []

    def test_an_item_formed_after_its_publication_is_not_overdue_and_breaks_nothing(self, township_items):
        # Imported data can bypass ArticlePage.clean(), which refuses this.
        ArticlePage.objects.filter(pk=township_items["on_time"].pk).update(date_formed=date(2024, 12, 1))
        assert [item.title for item in find_overdue(candidate_items()).items] == [
            "关于秋季森林防火的通知",
            "关于秋粮收购的通知",
        ]

    def test_two_queries_whatever_the_number_of_items(self, township_items, django_assert_num_queries):
        with django_assert_num_queries(2):  # the candidates, the overrides for the whole span
            find_overdue(candidate_items())


@pytest.fixture
def info_center_member(db):
    """A member of the 信息中心 group exactly as provisioning sets it up."""
    user = get_user_model().objects.create_user("xxzx", password="Info-center-2026")
    user.groups.add(info_center_group(INFO_CENTER_GROUP))
    return user


@pytest.fixture
def site_editor(township):
    user = get_user_model().objects.create_user("sy_editor", password="Editor-2026-pass")
    user.groups.add(site_group(township, "editor"))
    return user


class TestReport:
    def assert_lists_the_overdue_items(self, response, items):
        assert response.status_code == 200
        assert [(row.title, row.overdue_working_days) for row in response.context["object_list"]] == [
            ("关于秋季森林防火的通知", 3),
            ("关于秋粮收购的通知", 1),
        ]
        html = response.content.decode()
        assert "信息公开时效（条例第二十六条）" in html
        assert reverse("wagtailadmin_pages:edit", args=[items["overdue"].pk]) in html
        assert "2024-09-20" in html and "2024-10-28" in html
        for key in ("on_time", "not_in_catalogue", "draft"):
            assert items[key].title not in html

    def test_superuser_sees_the_overdue_items(self, client, superuser, township_items):
        client.force_login(superuser)
        self.assert_lists_the_overdue_items(client.get(REPORT_URL), township_items)

    def test_info_center_member_sees_the_overdue_items(self, client, info_center_member, township_items):
        client.force_login(info_center_member)
        self.assert_lists_the_overdue_items(client.get(REPORT_URL), township_items)

    def test_the_provisioned_info_center_group_may_see_the_report(self, db):
        group = info_center_group(INFO_CENTER_GROUP)
        assert group.permissions.filter(content_type__app_label="disclosure", codename="view_workingdayoverride")

    def test_a_site_editor_is_refused(self, client, site_editor, township_items):
        client.force_login(site_editor)
        response = client.get(REPORT_URL)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
        assert client.get(reverse("disclosure:timeliness_report_results")).status_code == 302
        assert client.get(REPORT_URL, {"export": "csv"}).status_code == 302

    def test_the_menu_item_is_shown_to_the_info_center_only(self, superuser, info_center_member, site_editor):
        item = TimelinessReportMenuItem("信息公开时效", REPORT_URL)
        request = RequestFactory().get("/admin/")
        for user, shown in ((superuser, True), (info_center_member, True), (site_editor, False)):
            request.user = user
            assert item.is_shown(request) is shown

    def test_the_report_is_in_the_reports_menu(self, client, superuser):
        client.force_login(superuser)
        assert REPORT_URL in client.get(reverse("wagtailadmin_home")).content.decode()

    def test_filters_by_organisation_and_year(self, client, superuser, township_items, portal, topic):
        publish_article(
            column_of(portal, "zcwj"),
            "关于2023年秋季征兵的通告",
            at(2023, 11, 30),
            in_catalogue=True,
            issuing_organisation=portal.profile.organisation,
            topic=topic,
            genre="通告",
            disclosure_term="long_term",
            date_formed=date(2023, 9, 1),
        )
        client.force_login(superuser)
        assert len(client.get(REPORT_URL).context["object_list"]) == 3
        township_org = township_items["overdue"].issuing_organisation
        assert len(client.get(REPORT_URL, {"issuing_organisation": township_org.pk}).context["object_list"]) == 2
        portal_items = client.get(REPORT_URL, {"issuing_organisation": portal.profile.organisation.pk})
        assert [row.title for row in portal_items.context["object_list"]] == ["关于2023年秋季征兵的通告"]
        assert len(client.get(REPORT_URL, {"year": 2024}).context["object_list"]) == 2
        assert [row.title for row in client.get(REPORT_URL, {"year": 2023}).context["object_list"]] == [
            "关于2023年秋季征兵的通告"
        ]
        response = client.get(reverse("disclosure:timeliness_report_results"), {"year": 2024})
        assert response.status_code == 200 and "关于秋季森林防火的通知" in response.content.decode()

    def test_xlsx_export(self, client, superuser, township_items):
        client.force_login(superuser)
        response = client.get(REPORT_URL, {"export": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("标题", "发布机构", "成文日期", "发布日期", "超期工作日")
        assert rows[1][0] == "关于秋季森林防火的通知"
        assert rows[1][4] == 3
        assert len(rows) == 3

    def test_csv_export(self, client, superuser, township_items):
        client.force_login(superuser)
        response = client.get(REPORT_URL, {"export": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv"
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        org = township_items["overdue"].issuing_organisation.name
        assert rows[0] == ["标题", "发布机构", "成文日期", "发布日期", "超期工作日"]
        assert rows[1] == ["关于秋季森林防火的通知", org, "2024-09-20", "2024-10-28", "3"]

    def test_warns_about_a_year_without_holiday_data_until_overrides_exist(
        self, client, superuser, township, topic, township_items
    ):
        publish_article(
            column_of(township, "tzgg"),
            "关于2030年春季植树的通知",
            at(2030, 3, 29),
            in_catalogue=True,
            issuing_organisation=township.profile.organisation,
            topic=topic,
            genre="通知",
            disclosure_term="long_term",
            date_formed=date(2030, 2, 1),
        )
        client.force_login(superuser)
        response = client.get(REPORT_URL)
        assert response.context["object_list"][0].title == "关于2030年春季植树的通知"
        # 2030 only: no item's count runs through 2027–2029, though they lie between 2024 and 2030.
        assert "节假日数据未覆盖2030年，" in response.content.decode()

        WorkingDayOverride.objects.create(date=date(2030, 2, 4), is_working_day=False, note="春节")
        assert "节假日数据未覆盖" not in client.get(REPORT_URL).content.decode()
