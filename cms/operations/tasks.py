"""The task every scheduled job runs as (``schedule.py``)."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task


@task()
def run_scheduled_job(name: str) -> None:
    """Run the management command of the job ``name`` of the schedule table."""
    from .schedule import JOBS_BY_NAME

    job = JOBS_BY_NAME[name]
    call_command(job.command, *job.args)
