"""Score history: recompute keeps one ScoreSnapshot per site and day (replaced the same day)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cms.monitoring.actions import RecomputeIndicatorsAction
from cms.monitoring.board import board_rows
from cms.monitoring.models import ScoreSnapshot, SiteIndicator, Status
from cms.monitoring.rules import RULES

from .helpers import NOW, fill_blank_columns

pytestmark = pytest.mark.django_db


def test_recompute_writes_the_days_score_vetoes_and_every_rules_status(department):
    RecomputeIndicatorsAction(department, now=NOW).execute()
    snapshot = ScoreSnapshot.objects.get(site=department)
    assert snapshot.date == timezone.localdate(NOW)
    indicators = {row.rule: row for row in SiteIndicator.objects.filter(site=department)}
    assert snapshot.statuses == {key: row.status for key, row in indicators.items()}
    assert set(snapshot.statuses) == {rule.key for rule in RULES}
    assert snapshot.messages == {key: row.message for key, row in indicators.items()}
    assert snapshot.vetoes == sum(1 for row in indicators.values() if row.status == Status.VETO) > 0
    # The same score the board shows from the stored rows.
    (row,) = board_rows([department])
    assert snapshot.points == row.score.points and snapshot.vetoes == row.score.vetoes
    assert snapshot.points == Decimal(100) - sum(row.deduction for row in indicators.values())


def test_recomputing_the_same_day_replaces_the_days_snapshot(department):
    RecomputeIndicatorsAction(department, now=NOW).execute()
    before = ScoreSnapshot.objects.get(site=department)
    assert before.statuses["blank_columns"] == Status.VETO
    fill_blank_columns(department, NOW)  # mend the blank columns, then recompute later that day
    RecomputeIndicatorsAction(department, now=NOW + timedelta(hours=3)).execute()
    after = ScoreSnapshot.objects.get(site=department)  # still one row for the day
    assert after.pk == before.pk
    assert after.statuses["blank_columns"] == Status.GREEN
    assert after.vetoes < before.vetoes and after.points > before.points
    assert after.computed_at == NOW + timedelta(hours=3)
    RecomputeIndicatorsAction(department, now=NOW + timedelta(hours=3)).execute()  # idempotent
    again = ScoreSnapshot.objects.get(site=department)
    assert (again.points, again.vetoes, again.statuses, again.messages) == (
        after.points,
        after.vetoes,
        after.statuses,
        after.messages,
    )


def test_each_day_keeps_its_own_snapshot_and_one_site_leaves_the_others_alone(portal, department):
    RecomputeIndicatorsAction(now=NOW).execute()
    RecomputeIndicatorsAction(department, now=NOW + timedelta(days=1)).execute()
    days = sorted(ScoreSnapshot.objects.values_list("site_id", "date"))
    today = timezone.localdate(NOW)
    assert days == sorted([(portal.pk, today), (department.pk, today), (department.pk, today + timedelta(days=1))])
