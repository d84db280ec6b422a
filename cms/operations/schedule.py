"""The one schedule of the cluster: which job runs when (``manage.py run_scheduler``).

Each job is a management command. The scheduler does not run it: it enqueues
``tasks.run_scheduled_job`` so a worker runs it, with the task queue's retries
(``retry.py``) and its record in 后台任务. Times are local (``TIME_ZONE``).

Two schedulers may run (one per app server, or an old one still stopping): a slot
is fired by moving the job's ``ScheduledJobRun.last_slot`` forward in one
conditional UPDATE, in the transaction that enqueues the task, so exactly one of
them enqueues it and a crash between the two leaves neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from .models import ScheduledJobRun

# A daily job whose time passed while no scheduler ran (a restart, a deploy) is still
# fired this long after its time; later, it waits for the next day.
DAILY_CATCH_UP = timedelta(hours=1)


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    command: str
    args: tuple[str, ...] = ()
    at: time | None = None  # local time of day; None: every ``every_minutes`` minutes
    every_minutes: int = 1
    # Commands that work on django-tasks-db's own table (not there with the immediate backend).
    needs_task_queue: bool = False
    catch_up: timedelta = field(default=DAILY_CATCH_UP)

    def slot(self, now: datetime) -> datetime | None:
        """The time slot due at ``now`` (the latest scheduled time not after it), or None
        when that slot is past its catch-up window."""
        if self.at is None:
            minute = now.replace(second=0, microsecond=0)
            return minute - timedelta(minutes=minute.minute % self.every_minutes)
        local = timezone.localtime(now)
        slot = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        if slot > local:
            slot -= timedelta(days=1)
        return slot if local - slot <= self.catch_up else None


JOBS: tuple[Job, ...] = (
    # 定时发布/到期下线 (docs/workflow.md).
    Job("publish_scheduled", "定时发布与到期下线", "publish_scheduled"),
    # 访问统计: the beacons' Redis counters into daily rows (docs/monitoring.md).
    Job("aggregate_visits", "汇总访问统计", "aggregate_visits", every_minutes=10),
    # Personal data past its retention, at night (docs/interaction.md, applications.md, consultations.md).
    Job("purge_letter_personal_data", "清除来信个人信息", "purge_letter_personal_data", at=time(2, 30)),
    Job("purge_application_personal_data", "清除依申请公开个人信息", "purge_application_personal_data", at=time(2, 40)),
    Job("purge_consultation_personal_data", "清除意见征集个人信息", "purge_consultation_personal_data", at=time(2, 50)),
    # Finished task results: successes after 14 days, failures kept 90 days for the info center.
    Job(
        "prune_task_results",
        "清理已完成的后台任务记录",
        "prune_db_task_results",
        ("--min-age-days", "14", "--failed-min-age-days", "90"),
        at=time(3, 30),
        needs_task_queue=True,
    ),
    # 外部链接 (docs/monitoring.md): its results feed the recompute below, which must find them stored.
    Job("check_external_links", "检查外部链接", "check_external_links", at=time(4, 30)),
    # 检查指标 (docs/monitoring.md): before the working day, so the board and its mails are fresh.
    Job("recompute_indicators", "重新计算检查指标", "recompute_indicators", at=time(6, 30)),
    # Mail before the working day starts; each sends once per day whatever runs it.
    Job("send_letter_reminders", "来信办理提醒邮件", "send_letter_reminders", at=time(8, 0)),
    Job("send_application_reminders", "依申请公开办理提醒邮件", "send_application_reminders", at=time(8, 5)),
)
JOBS_BY_NAME = {job.name: job for job in JOBS}


def task_queue_in_use() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


def fire_due_jobs(now: datetime, jobs: tuple[Job, ...] = JOBS) -> list[Job]:
    """Enqueue every job whose slot at ``now`` no scheduler has fired yet; the jobs enqueued."""
    from .tasks import run_scheduled_job

    queue = task_queue_in_use()
    jobs = tuple(job for job in jobs if queue or not job.needs_task_queue)
    ScheduledJobRun.objects.bulk_create([ScheduledJobRun(job=job.name) for job in jobs], ignore_conflicts=True)
    fired = []
    for job in jobs:
        slot = job.slot(now)
        if slot is None:
            continue
        with transaction.atomic():
            claimed = (
                ScheduledJobRun.objects.filter(job=job.name)
                .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
                .update(last_slot=slot, last_fired_at=timezone.now())
            )
            if not claimed:
                continue
            result = run_scheduled_job.enqueue(job.name)
            ScheduledJobRun.objects.filter(job=job.name).update(last_task_id=str(result.id))
        fired.append(job)
    return fired


def next_tick(now: datetime) -> datetime:
    """The start of the next minute: every slot of the table falls on one."""
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1)
