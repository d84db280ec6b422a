"""The retry policy of every background task (django-tasks-db has none of its own).

A task run by ``manage.py db_worker`` that raises is put back in the queue, on the
same result row, until it has been attempted ``TASK_MAX_ATTEMPTS`` times; the wait
doubles each time from ``TASK_RETRY_DELAY_SECONDS``. Every task of ours is written to
be idempotent (a takedown's completion finds nothing left to do when run again), so
all of them are retried alike. The row keeps the last error while it waits, so the
info center sees it (后台任务, ``views.py``); a later success clears it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> timedelta:
    """How long a task that failed its ``attempts``-th attempt waits before the next one."""
    return timedelta(seconds=settings.TASK_RETRY_DELAY_SECONDS * 2 ** max(attempts - 1, 0))


def requeue_failed(result_id: str) -> bool:
    """Put a failed result back in the queue if it has attempts left; True if it was."""
    result = DBTaskResult.objects.filter(pk=result_id, status=TaskResultStatus.FAILED).first()
    if result is None or len(result.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
        return False
    # Only from FAILED: a result someone pruned or re-queued meanwhile is left alone.
    return bool(
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=timezone.now() + retry_delay(len(result.worker_ids))
        )
    )


def on_task_finished(sender, task_result, **kwargs) -> None:
    if task_result.status != TaskResultStatus.FAILED:
        return
    try:
        if requeue_failed(task_result.id):
            logger.warning("task %s (%s) failed, retried later", task_result.task.name, task_result.id)
    except Exception:
        # Never take the worker down with it: the result stays FAILED, visible to the info center.
        logger.exception("task %s: could not be queued again", task_result.id)
