"""What the cluster's management commands share with those of the apps that register with it."""

from __future__ import annotations

from django.core.management.base import CommandError
from wagtail.models import Site


def site_option(site_id: int | None) -> Site | None:
    """The site a ``--site ID`` option names (None without the option); a Chinese error for an unknown id."""
    if site_id is None:
        return None
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise CommandError(f"站点 {site_id} 不存在。")
    return site
