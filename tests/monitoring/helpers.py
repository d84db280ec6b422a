"""Helpers of the monitoring tests: crafted columns and items on real provisioned sites."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.models import ColumnPage
from cms.monitoring.facts import collect_facts
from cms.monitoring.rules import RULES_BY_KEY, Finding
from core.publishing import review_waived
from tests.conftest import publish_article

NOW = timezone.make_aware(datetime(2026, 6, 15, 10, 0))
_serial = itertools.count(1)


def days_ago(n: int, now: datetime = NOW) -> datetime:
    return now - timedelta(days=n)


def evaluate(key: str, site: Site, now: datetime = NOW) -> Finding:
    site = Site.objects.select_related("root_page").get(pk=site.pk)
    return RULES_BY_KEY[key].evaluate(site, collect_facts([site], now)[site.pk])


def add_column(parent: Page, column_type: str, *, interval: int | None = None, title: str = "") -> ColumnPage:
    n = next(_serial)
    title = title or f"测试栏目{n}"
    column = ColumnPage(title=title, slug=f"col{n}", column_type=column_type, update_interval_days=interval, live=False)
    parent.add_child(instance=column)
    with review_waived("测试数据"):
        column.save_revision().publish()
    column.refresh_from_db()
    return column


def column_of_type(site: Site, column_type: str) -> ColumnPage:
    return ColumnPage.objects.descendant_of(site.root_page).filter(column_type=column_type).first()


def item(column: ColumnPage, when: datetime, title: str = "", **fields):
    return publish_article(column, title or f"信息{next(_serial)}", when, slug=f"t{next(_serial)}", **fields)


def fill_blank_columns(site: Site, when: datetime = NOW) -> None:
    """One item in every blank leaf column of a fresh site, so a test starts from no blank column."""
    site = Site.objects.select_related("root_page").get(pk=site.pk)
    for column in collect_facts([site], when)[site.pk].columns:
        if not column.has_content and not column.is_container:
            item(ColumnPage.objects.get(pk=column.id), when)
