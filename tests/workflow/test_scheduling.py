"""定时发布 and 到期下线: Wagtail's go_live_at / expire_at, run by ``publish_scheduled``, in any site."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Revision

from tests.conftest import column_of, publish_article

from .conftest import draft_article, submit


@pytest.fixture
def sites(department, township):
    return [department, township]


def approve_all(page, users_by_step):
    while (task_state := Page.objects.get(pk=page.pk).specific.current_workflow_task_state) is not None:
        if task_state.status != task_state.STATUS_IN_PROGRESS:
            break
        task_state.task.specific.on_action(task_state, users_by_step[task_state.task.name.split("·")[1]], "approve")


def test_an_approved_item_goes_live_at_its_time_in_any_site(sites, make_user, monkeypatch):
    pages = []
    for site in sites:
        editor = make_user(site, "editor")
        steps = {"初审": make_user(site, "reviewer"), "终审/保密审查": make_user(site, "leader")}
        page = draft_article(column_of(site, "tzgg"), f"{site.site_name}定时通知", user=editor)
        page.go_live_at = timezone.now() + timedelta(hours=2)
        page.save_revision(user=editor)
        submit(page, editor)
        approve_all(page, steps)
        pages.append(page)

    call_command("publish_scheduled", verbosity=0)
    assert not any(Page.objects.get(pk=p.pk).live for p in pages)  # approved, but not yet time
    scheduled = Revision.page_revisions.filter(
        object_id__in=[str(p.pk) for p in pages], approved_go_live_at__isnull=False
    )
    assert scheduled.count() == 2

    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the clock moves on: three hours later
    call_command("publish_scheduled", verbosity=0)
    assert all(Page.objects.get(pk=p.pk).live for p in pages)


def test_an_item_is_taken_down_when_it_expires_in_any_site(sites):
    pages = [publish_article(column_of(site, "tzgg"), f"{site.site_name}限时公示") for site in sites]
    Page.objects.filter(pk__in=[p.pk for p in pages]).update(expire_at=timezone.now() - timedelta(minutes=1))

    call_command("publish_scheduled", verbosity=0)

    for page in pages:
        page = Page.objects.get(pk=page.pk)
        assert not page.live and page.expired
