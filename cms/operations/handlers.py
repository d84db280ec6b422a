"""Reactions of the operations app, connected in ``ready()``."""

from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import task_finished

from . import retry


def connect() -> None:
    # The worker sends task_finished with the backend's class as sender; the immediate
    # backend of dev and tests has no queue to put a task back in.
    task_finished.connect(retry.on_task_finished, sender=DatabaseBackend, dispatch_uid="operations.retry")
