"""The background task of the link checker (the daily job runs the command, which runs the same action)."""

from __future__ import annotations

from django_tasks import task
from wagtail.models import Site

from .actions import CheckExternalLinksAction


@task()
def check_external_links_task(site_id: int | None = None) -> int:
    """Record and check one site's external links (or every monitored site's); the addresses checked."""
    site = Site.objects.filter(pk=site_id).first() if site_id is not None else None
    if site_id is not None and site is None:
        return 0  # the site was deleted meanwhile
    return CheckExternalLinksAction(site).execute().checked
