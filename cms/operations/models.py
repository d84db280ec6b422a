"""The scheduler's memory: the last time slot each job was fired for."""

from __future__ import annotations

from django.db import models


class ScheduledJobRun(models.Model):
    """One row per job of ``schedule.JOBS``. A scheduler fires a slot only by moving
    ``last_slot`` forward in one conditional UPDATE, so of two schedulers (or two
    ticks) exactly one enqueues the job for that slot (``schedule.fire_due_jobs``)."""

    job = models.CharField("作业", max_length=64, unique=True)
    last_slot = models.DateTimeField("最近一次的计划时间", null=True)
    last_fired_at = models.DateTimeField("最近一次入队时间", null=True)
    last_task_id = models.CharField("最近一次的任务编号", max_length=64, blank=True)

    class Meta:
        verbose_name = "定时作业记录"
        verbose_name_plural = "定时作业记录"
        # The info center's capability (granted in cms/accounts/roles.py): see the task queue.
        permissions = [("view_background_tasks", "查看后台任务")]

    def __str__(self) -> str:
        return self.job
