"""The one scheduler: the table fires the right jobs at given times, each slot once,
whatever number of schedulers run."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from cms.operations.models import ScheduledJobRun
from cms.operations.schedule import fire_due_jobs
from tests.operations.conftest import finish, manage, run_worker

LOCAL = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def fired(now: str) -> list[str]:
    return [job.name for job in fire_due_jobs(at(now))]


def queued_jobs() -> list[str]:
    return sorted(
        result.args_kwargs["args"][0]
        for result in DBTaskResult.objects.filter(task_path="cms.operations.tasks.run_scheduled_job")
    )


@pytest.mark.usefixtures("db", "database_queue")
class TestTheTable:
    def test_a_day_of_the_schedule(self):
        assert fired("2026-12-03 02:30") == ["publish_scheduled", "aggregate_visits", "purge_letter_personal_data"]
        assert fired("2026-12-03 02:30:40") == []  # same minute: already fired
        assert fired("2026-12-03 02:31") == ["publish_scheduled"]
        assert fired("2026-12-03 02:40") == ["publish_scheduled", "aggregate_visits", "purge_application_personal_data"]
        assert fired("2026-12-03 02:50:05") == [
            "publish_scheduled",
            "aggregate_visits",
            "purge_consultation_personal_data",
        ]
        assert fired("2026-12-03 03:30") == ["publish_scheduled", "aggregate_visits", "prune_task_results"]
        assert fired("2026-12-03 04:30") == ["publish_scheduled", "aggregate_visits", "check_external_links"]
        assert fired("2026-12-03 06:30") == ["publish_scheduled", "aggregate_visits", "recompute_indicators"]
        assert fired("2026-12-03 08:00") == ["publish_scheduled", "aggregate_visits", "send_letter_reminders"]
        assert fired("2026-12-03 08:05") == ["publish_scheduled", "send_application_reminders"]
        assert fired("2026-12-03 12:00") == ["publish_scheduled", "aggregate_visits"]
        # The next day, each daily job again.
        assert fired("2026-12-04 08:00") == ["publish_scheduled", "aggregate_visits", "send_letter_reminders"]
        assert queued_jobs().count("send_letter_reminders") == 2
        assert len(queued_jobs()) == 11 + 9 + 9  # every job fired is one task in the queue
        assert queued_jobs().count("aggregate_visits") == 9  # every 10 minutes, on the tens

    def test_a_daily_job_missed_by_a_restart_is_caught_up_within_the_hour_only(self):
        assert fired("2026-12-03 08:50") == [
            "publish_scheduled",
            "aggregate_visits",
            "send_letter_reminders",
            "send_application_reminders",
        ]
        ScheduledJobRun.objects.all().delete()  # another install, started later in the day
        assert fired("2026-12-03 09:10") == ["publish_scheduled", "aggregate_visits"]

    def test_a_minute_missed_is_not_run_twice_later(self):
        assert fired("2026-12-03 12:00") == ["publish_scheduled", "aggregate_visits"]
        assert fired("2026-12-03 12:07") == ["publish_scheduled"]  # one run for the minutes missed
        assert fired("2026-12-03 12:03") == []  # a clock stepping back fires nothing already covered
        assert queued_jobs() == ["aggregate_visits", "publish_scheduled", "publish_scheduled"]


@pytest.mark.django_db
def test_the_command_without_the_task_queue_runs_the_jobs_and_skips_the_queues_own():
    # Dev and tests: the immediate backend runs the job in the scheduler's process.
    out = StringIO()
    call_command("run_scheduler", "--once", "--now", "2026-12-03T03:30+08:00", stdout=out)
    assert "定时发布与到期下线（publish_scheduled）" in out.getvalue()
    assert "prune_task_results" not in out.getvalue()  # django-tasks-db's table is not in use
    assert ScheduledJobRun.objects.get(job="publish_scheduled").last_slot == at("2026-12-03 03:30")


@pytest.mark.usefixtures("seeded_transactional_db", "database_queue")
def test_two_schedulers_at_once_enqueue_each_job_once_and_a_worker_runs_them():
    schedulers = [manage("run_scheduler", "--once", "--now", "2026-12-03T08:00+08:00") for _ in range(3)]
    outputs = [finish(process) for process in schedulers]
    assert queued_jobs() == ["aggregate_visits", "publish_scheduled", "send_letter_reminders"]
    assert sum(output.count("已交给后台任务") for output in outputs) == 3

    run_worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_bad_time_is_refused_in_chinese():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="时间格式不对"):
        call_command("run_scheduler", "--once", "--now", "明天早上")
    with pytest.raises(CommandError, match="只能与 --once 同用"):
        call_command("run_scheduler", "--now", "2026-12-03T08:00+08:00")
