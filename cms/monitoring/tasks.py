"""The background task of the recompute: the daily job and the board's button enqueue it."""

from __future__ import annotations

from django_tasks import task
from wagtail.models import Site

from .actions import RecomputeIndicatorsAction


@task()
def recompute_indicators_task(site_id: int | None = None) -> int:
    """Recompute one site's indicators (or every monitored site's); the number of rows written."""
    site = Site.objects.filter(pk=site_id).first() if site_id is not None else None
    if site_id is not None and site is None:
        return 0  # the site was deleted meanwhile
    return len(RecomputeIndicatorsAction(site).execute())
