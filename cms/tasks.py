"""The default django-tasks backend: run each task right after the transaction
that enqueued it commits (at once when there is no transaction).

Wagtail enqueues search- and reference-index updates from ``post_save``. Run
inside a publish transaction, the stock database search backend rewrites shared
``title_norm`` rows and concurrent publishers deadlock; a task queue with real
workers would run them after commit anyway. This gives the same semantics
without a worker (development, tests, small installs).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend


class OnCommitImmediateBackend(ImmediateBackend):
    def _execute_task(self, task_result) -> None:
        transaction.on_commit(partial(super()._execute_task, task_result), robust=True)
