"""The stored result: recompute replaces the rows, is idempotent, mails site admins on a transition only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from cms.content.models import ColumnType
from cms.monitoring.actions import RecomputeIndicatorsAction
from cms.monitoring.models import SiteIndicator, Status
from cms.monitoring.rules import RULES
from cms.monitoring.tasks import recompute_indicators_task
from cms.operations.schedule import JOBS_BY_NAME

from .helpers import NOW, add_column, column_of_type, days_ago, fill_blank_columns, item

pytestmark = pytest.mark.django_db


def rows_of(site) -> dict[str, tuple]:
    return {
        row.rule: (row.status, row.message, row.causes, row.deduction)
        for row in SiteIndicator.objects.filter(site=site)
    }


def test_recompute_writes_one_row_per_rule_and_is_idempotent(department, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        RecomputeIndicatorsAction(department, now=NOW).execute()
    first = rows_of(department)
    assert set(first) == {rule.key for rule in RULES}
    assert first["blank_columns"][0] == Status.VETO
    with django_capture_on_commit_callbacks(execute=True):
        RecomputeIndicatorsAction(department, now=NOW).execute()
    assert rows_of(department) == first
    assert SiteIndicator.objects.filter(site=department).count() == len(RULES)


def test_recompute_of_all_sites_leaves_closed_ones_out(portal, department, township):
    from sites.models import SiteProfile, SiteStatus

    SiteProfile.objects.filter(site=township).update(status=SiteStatus.CLOSED)
    RecomputeIndicatorsAction(now=NOW).execute()
    assert set(SiteIndicator.objects.values_list("site_id", flat=True)) == {portal.pk, department.pk}


def test_mail_to_site_admins_only_when_an_indicator_turns_worse(
    department, make_user, django_capture_on_commit_callbacks
):
    admin = make_user(department, "site_admin")
    make_user(department, "editor")  # not an admin: no mail
    news = column_of_type(department, ColumnType.NEWS)
    fill_blank_columns(department, days_ago(1))
    item(news, days_ago(1))

    def recompute(now=NOW):
        with django_capture_on_commit_callbacks(execute=True):
            RecomputeIndicatorsAction(department, now=now).execute()

    recompute()
    assert rows_of(department)["home_update"][0] == Status.GREEN
    assert mail.outbox == []  # nothing turned worse

    recompute(days_ago(-11))  # eleven days later: the home page is amber
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "首页更新" in mail.outbox[0].subject and "预警" in mail.outbox[0].body

    recompute(days_ago(-12))  # still amber: no second mail
    assert len(mail.outbox) == 1

    recompute(days_ago(-16))  # amber → veto: a transition
    assert len(mail.outbox) == 2 and "单项否决" in mail.outbox[1].body

    recompute()  # back to green: no mail for an improvement
    assert len(mail.outbox) == 2


def test_a_new_blank_column_mails_once(department, make_user, django_capture_on_commit_callbacks):
    make_user(department, "site_admin")
    fill_blank_columns(department, days_ago(1))
    with django_capture_on_commit_callbacks(execute=True):
        RecomputeIndicatorsAction(department, now=NOW).execute()
    mailed = len(mail.outbox)
    add_column(department.root_page, ColumnType.SPECIAL)
    with django_capture_on_commit_callbacks(execute=True):
        RecomputeIndicatorsAction(department, now=NOW).execute()
    assert len(mail.outbox) == mailed + 1 and "空白栏目" in mail.outbox[-1].subject


def test_who_may_recompute(department, township, make_user):
    admin = make_user(department, "site_admin")
    editor = make_user(department, "editor")
    RecomputeIndicatorsAction(department, user=admin).check()
    with pytest.raises(PermissionDenied):
        RecomputeIndicatorsAction(township, user=admin).check()
    with pytest.raises(PermissionDenied):
        RecomputeIndicatorsAction(None, user=admin).check()  # all sites: the info center only
    with pytest.raises(PermissionDenied):
        RecomputeIndicatorsAction(department, user=editor).check()
    RecomputeIndicatorsAction(None, user=make_user(None, "信息中心")).check()


def test_the_task_and_the_daily_job(department, django_capture_on_commit_callbacks):
    assert JOBS_BY_NAME["recompute_indicators"].command == "recompute_indicators"
    with django_capture_on_commit_callbacks(execute=True):
        recompute_indicators_task.enqueue(department.pk)
    assert SiteIndicator.objects.filter(site=department).count() == len(RULES)
    SiteIndicator.objects.all().delete()
    call_command("recompute_indicators", "--site", str(department.pk))
    assert SiteIndicator.objects.filter(site=department).count() == len(RULES)


def test_recompute_query_count_does_not_grow_with_pages(department, django_assert_max_num_queries):
    news = column_of_type(department, ColumnType.NEWS)
    reset_queries()  # the log is a bounded deque, full after provisioning: its counts would not move
    with CaptureQueriesContext(connection) as few:
        RecomputeIndicatorsAction(department, now=NOW).execute()
    queries = len(few.captured_queries)  # now: the log moves on
    assert queries <= 40
    for n in range(12):
        item(news, days_ago(n), body=f'<p>第{n}条 <a linktype="page" id="{news.pk}">栏目</a></p>')
    with django_assert_max_num_queries(queries):
        RecomputeIndicatorsAction(department, now=NOW).execute()
