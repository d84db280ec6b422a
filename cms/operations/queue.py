"""The read side of the task queue for the info center (后台任务)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .schedule import JOBS_BY_NAME

# What the view lists: everything not (yet) successful.
# A READY result that was attempted before (worker ids recorded) is waiting for its retry.
NEVER_ATTEMPTED = Q(worker_ids=[])
FILTERS = {
    "failed": ("失败（不再重试）", Q(status=TaskResultStatus.FAILED)),
    "retrying": ("等待重试", Q(status=TaskResultStatus.READY) & ~NEVER_ATTEMPTED),
    "queued": ("排队中", Q(status=TaskResultStatus.READY) & NEVER_ATTEMPTED),
    "running": ("执行中", Q(status=TaskResultStatus.RUNNING)),
}


@dataclass(frozen=True)
class TaskRow:
    id: str
    task: str
    job: str  # the scheduled job's label, for run_scheduled_job
    state: str
    enqueued_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    attempts: int
    error: str


def unfinished_results(filter_key: str = "") -> QuerySet[DBTaskResult]:
    results = DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL)
    if filter_key in FILTERS:
        results = DBTaskResult.objects.filter(FILTERS[filter_key][1])
    return results.order_by("-enqueued_at")


def state_of(result: DBTaskResult) -> str:
    if result.status == TaskResultStatus.FAILED:
        return FILTERS["failed"][0]
    if result.status == TaskResultStatus.RUNNING:
        return FILTERS["running"][0]
    return FILTERS["retrying" if result.worker_ids else "queued"][0]


def last_error(traceback: str) -> str:
    """The exception line of a traceback (its last non-empty line)."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def task_row(result: DBTaskResult) -> TaskRow:
    job = ""
    if result.task_path.endswith(".run_scheduled_job"):
        args = result.args_kwargs.get("args") or result.args_kwargs.get("kwargs", {}).values()
        name = next(iter(args), "")
        job = JOBS_BY_NAME[name].label if name in JOBS_BY_NAME else str(name)
    return TaskRow(
        id=str(result.pk),
        task=result.task_path,
        job=job,
        state=state_of(result),
        enqueued_at=result.enqueued_at,
        last_attempt_at=result.started_at,
        next_attempt_at=result.run_after
        if result.status == TaskResultStatus.READY and result.run_after != get_date_max()
        else None,
        attempts=len(result.worker_ids),
        error=last_error(result.traceback),
    )


def counts() -> dict[str, int]:
    return {key: DBTaskResult.objects.filter(lookup).count() for key, (_label, lookup) in FILTERS.items()}
