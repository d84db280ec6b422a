"""The database queue in production: db_worker runs our tasks, retries a failure, and the
info center sees what failed (后台任务). Real worker processes on the test database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.disclosure.tasks import warm_catalogue_facets
from cms.operations.tasks import run_scheduled_job
from cms.syndication.takedown import complete_restore, complete_takedown
from search.tasks import remove_from_index, update_index, update_site_index
from tests.operations.conftest import run_worker
from tests.operations.tasks import always_fails, fails_on_first_attempt

pytestmark = pytest.mark.usefixtures("seeded_transactional_db", "database_queue")


def result_of(task_result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=task_result.id)


def test_the_worker_runs_the_tasks_of_our_apps():
    # Every @task of ours (grep "@task" cms sites search core), with arguments that find nothing to do.
    results = [
        update_index.enqueue([]),
        remove_from_index.enqueue([]),
        update_site_index.enqueue(0),
        warm_catalogue_facets.enqueue([]),
        complete_takedown.enqueue(0),
        complete_restore.enqueue(0),
        run_scheduled_job.enqueue("publish_scheduled"),
    ]
    assert {result_of(r).status for r in results} == {"READY"}  # enqueued, not run in this process
    run_worker()
    assert [(result_of(r).status, len(result_of(r).worker_ids)) for r in results] == [("SUCCESSFUL", 1)] * 7


def test_a_failing_task_is_retried_then_shown_failed_to_the_info_center(client, make_user, superuser, township):
    failing = always_fails.enqueue("甲")
    flaky = fails_on_first_attempt.enqueue()
    run_worker(TASK_RETRY_DELAY_SECONDS="0")

    failed = result_of(failing)
    assert (failed.status, len(failed.worker_ids)) == ("FAILED", 3)  # TASK_MAX_ATTEMPTS
    assert "RuntimeError: 模拟故障 甲" in failed.traceback
    recovered = result_of(flaky)
    assert (recovered.status, len(recovered.worker_ids), recovered.return_value) == ("SUCCESSFUL", 2, 2)
    assert recovered.traceback == ""  # the first attempt's error is gone with the success

    url = reverse("operations_tasks")
    for user in (make_user(None, "信息中心"), make_user(None, "系统管理员"), superuser):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "tests.operations.tasks.always_fails" in page
        assert "失败（不再重试）（1）" in page and "3 次" in page and "RuntimeError: 模拟故障 甲" in page
        assert "fails_on_first_attempt" not in page  # succeeded: not listed
    for user in (make_user(township, "site_admin"), make_user(None, "安全管理员")):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (302, 403) and "always_fails" not in response.content.decode()


def test_a_failed_task_waits_longer_before_each_retry(client, superuser):
    failing = always_fails.enqueue("乙")
    before = timezone.now()
    run_worker()  # TASK_RETRY_DELAY_SECONDS 60: the batch worker finds nothing ready after the failure
    waiting = result_of(failing)
    assert (waiting.status, len(waiting.worker_ids)) == ("READY", 1)
    assert before + timedelta(seconds=55) < waiting.run_after < timezone.now() + timedelta(seconds=65)

    # Its time come, the second failure waits twice as long.
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    second = timezone.now()
    run_worker()
    waiting = result_of(failing)
    assert (waiting.status, len(waiting.worker_ids)) == ("READY", 2)
    assert second + timedelta(seconds=115) < waiting.run_after < timezone.now() + timedelta(seconds=125)

    client.force_login(superuser)
    page = client.get(reverse("operations_tasks"), {"state": "retrying"}).content.decode()
    assert "等待重试" in page and "2 次" in page and "模拟故障 乙" in page
    assert "没有未完成的后台任务" in client.get(reverse("operations_tasks"), {"state": "failed"}).content.decode()
