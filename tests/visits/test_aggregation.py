"""The aggregation job: Redis counters into daily rows, idempotently; the daily salt rotates
and a past day's salt and counters are deleted; 浏览次数 reaches the database."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.content.counters import PageViewCount
from cms.operations.schedule import JOBS_BY_NAME
from cms.visits import counting
from cms.visits.aggregation import aggregate
from cms.visits.models import Scope, VisitDay
from cms.visits.store import redis

from ..conftest import column_of, publish_article
from .test_counting import BROWSER, beacon


def rows() -> list[tuple]:
    return sorted(VisitDay.objects.values_list("pk", "date", "site_id", "scope", "page_id", "views", "visitors"))


@pytest.fixture
def article(township):
    return publish_article(column_of(township, "tzgg"), "汇总测试", slug="hz")


class TestIdempotent:
    def test_running_twice_gives_the_same_rows(self, client, article):
        for n in range(3):
            beacon(client, article.pk, address=f"192.0.2.{n}")
        first = aggregate()
        once = rows()
        assert first.rows == len(once) == 3  # the site, the column, the article
        aggregate()
        assert rows() == once  # same ids, same figures: absolute values, not increments

    def test_a_later_run_stores_the_days_new_absolute_figures(self, client, township, article):
        beacon(client, article.pk)
        aggregate()
        beacon(client, article.pk)
        beacon(client, article.pk, address="198.51.100.1")
        aggregate()
        aggregate()
        site_row = VisitDay.objects.get(scope=Scope.SITE, date=timezone.localdate())
        assert (site_row.page_id, site_row.views, site_row.visitors) == (township.root_page.pk, 3, 2)
        assert VisitDay.objects.filter(scope=Scope.SITE).count() == 1

    def test_article_totals_reach_the_database_once(self, client, article):
        for _ in range(4):
            beacon(client, article.pk)
        aggregate()
        aggregate()
        assert PageViewCount.current(article.pk) == 4
        assert not redis().exists(counting.changed_key())  # copied: the next run has nothing to copy
        assert aggregate().totals == 0
        beacon(client, article.pk)
        assert aggregate().totals == 1
        assert PageViewCount.current(article.pk) == 5
        PageViewCount.objects.filter(page_id=article.pk).update(count=10)  # e.g. restored from a backup
        aggregate()
        assert PageViewCount.current(article.pk) == 10  # the larger figure wins, never goes back

    def test_the_command_reports_in_chinese(self, client, article):
        beacon(client, article.pk)
        out = StringIO()
        call_command("aggregate_visits", stdout=out)
        assert "已汇总日期" in out.getvalue() and "写入 3 行" in out.getvalue()

    def test_scheduled_every_ten_minutes(self):
        job = JOBS_BY_NAME["aggregate_visits"]
        assert job.command == "aggregate_visits" and job.every_minutes == 10


class TestDays:
    def test_same_visitor_on_two_days_is_two_uniques_and_yesterdays_salt_is_deleted(self, township, article):
        today = timezone.localdate()
        yesterday = today - timedelta(days=1)
        facts = counting.page_facts(article.pk)
        counting.record_visit(facts, "192.0.2.1", BROWSER, day=yesterday)
        counting.record_visit(facts, "192.0.2.1", BROWSER, day=yesterday)
        counting.record_visit(facts, "192.0.2.1", BROWSER, day=today)
        client = redis()
        assert client.exists(counting.salt_key(yesterday)) and client.exists(counting.salt_key(today))
        assert client.get(counting.salt_key(yesterday)) != client.get(counting.salt_key(today))

        aggregate(today=today)
        site = township.root_page.pk
        by_day = {(r.date, r.scope, r.page_id): (r.views, r.visitors) for r in VisitDay.objects.all()}
        assert by_day[(yesterday, Scope.SITE, site)] == (2, 1)
        assert by_day[(today, Scope.SITE, site)] == (1, 1)
        # Yesterday is over: its salt is gone, so nobody can recompute its tokens; today's stays.
        assert not client.exists(counting.salt_key(yesterday))
        assert client.exists(counting.salt_key(today))
        # Yesterday's counters are kept one more day (a late beacon), then deleted; the rows stay.
        assert client.exists(counting.views_key(yesterday))
        summary = aggregate(today=today + timedelta(days=1))
        assert summary.deleted_days == [yesterday]
        assert not client.exists(counting.views_key(yesterday))
        assert not list(client.scan_iter(match=f"{counting.prefix()}d:{counting.day_code(yesterday)}:*"))
        assert by_day[(yesterday, Scope.SITE, site)] == (2, 1)
        assert VisitDay.objects.get(date=yesterday, scope=Scope.SITE).visitors == 1
        aggregate(today=today + timedelta(days=1))
        assert VisitDay.objects.get(date=yesterday, scope=Scope.SITE).views == 2  # re-running changes nothing

    def test_deleted_pages_leave_no_row_and_no_error(self, client, township, article):
        beacon(client, article.pk)
        article.delete()
        aggregate()
        assert set(VisitDay.objects.values_list("scope", flat=True)) == {Scope.SITE, Scope.COLUMN}
