from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.sites.test_effects import database_url

DATABASE_QUEUE = "django_tasks_db.DatabaseBackend"


@pytest.fixture
def database_queue(settings):
    """This process enqueues into django-tasks-db's table, as production does."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_QUEUE}}


def manage(*args: str, **env: str) -> subprocess.Popen:
    """``manage.py`` in its own process on the test database, with the database queue."""
    test_database = {"DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": database_url()}
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=os.environ | test_database | {"TASKS_BACKEND": DATABASE_QUEUE} | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    return stdout


def run_worker(**env: str) -> str:
    """``manage.py db_worker`` until the queue has nothing ready, then it exits."""
    return finish(manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", **env))
