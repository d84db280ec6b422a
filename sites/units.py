"""The cluster's sites as units a citizen's case (a letter, an application) may be handed to.

A unit is a site of the cluster; one that is closed takes no new case. The case apps ask
here, so the rule and the transfer select are one piece of code.
"""

from __future__ import annotations

from itertools import groupby

from wagtail.models import Site

from .models import SiteProfile, SiteStatus, SiteType


def open_units() -> list[Site]:
    """The cluster's sites a case may be transferred to (not closed), portal first, then by type and name."""
    order = {SiteType.PORTAL: 0, SiteType.DEPARTMENT: 1, SiteType.TOWNSHIP: 2}
    units = []
    for profile in SiteProfile.objects.exclude(status=SiteStatus.CLOSED).select_related("site"):
        profile.site.unit_type = profile.site_type
        units.append(profile.site)
    units.sort(key=lambda s: (order.get(s.unit_type, 9), s.site_name))
    return units


def unit_choices() -> list[tuple[str, list[Site]]]:
    """``open_units`` grouped by site type, for an ``<optgroup>`` select."""
    labels = dict(SiteType.choices)
    return [(labels.get(key, key), list(group)) for key, group in groupby(open_units(), key=lambda s: s.unit_type)]


def transfer_target(site_id: int, *, noun: str = "单位") -> Site:
    """The site ``site_id`` if a case may be handed to it; else ``ValueError`` with the Chinese reason
    (``noun``: what the case calls its handler, 单位 or 机关)."""
    profile = SiteProfile.objects.filter(site_id=site_id).select_related("site").first()
    if profile is None:
        raise ValueError(f"承办{noun}不存在。")
    if profile.status == SiteStatus.CLOSED:
        raise ValueError(f"“{profile.site.site_name}”已关停，不能转办给它。")
    return profile.site
