"""Racing push and takedown on the same item (threads, PostgreSQL): no live copy survives."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from wagtail.models import Page

from cms.syndication.errors import SyndicationError
from cms.syndication.models import ColumnPushSettings, PushMode, PushRecord, TakedownKind
from cms.syndication.push import push
from cms.syndication.takedown import take_down

from ..conftest import column_of, publish_article

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except SyndicationError as refused:
            errors.append(refused)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.parametrize("round_", range(3))
def test_racing_push_and_takedown_leaves_no_live_copy(seeded_transactional_db, portal, township, department, round_):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(f"root{round_}", "r@example.gov.cn", "Secret-pass-2026")
    targets = [column_of(portal, "tzgg"), column_of(department, "gzdt")]
    for column in targets:  # auto-accept: the push itself publishes copies
        ColumnPushSettings.objects.create(column=column).auto_accept_from.add(township)
    item = publish_article(column_of(township, "gzdt"), "竞态测试信息", slug=f"race{round_}")

    run_together(
        lambda: push(item, targets, PushMode.COPY, admin),
        lambda: take_down(item, TakedownKind.GONE, "撤回", admin),
    )

    reached = set(PushRecord.objects.filter(source=item).values_list("resulting_page_id", flat=True)) - {None}
    reached |= set(Page.objects.filter(alias_of=item).values_list("pk", flat=True))
    assert not Page.objects.filter(pk__in=reached | {item.pk}, live=True).exists()
