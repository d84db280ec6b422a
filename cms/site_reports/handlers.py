"""What a report page's change retires in the page cache, wired once (``SiteReportsConfig.ready``).

Its own page and its column follow from the page's publish like any page (``sites.handlers``);
the portal's list of every site's reports is on another site and carries ``CLUSTER_LIST_TAG``."""

from __future__ import annotations

from sites.page_cache import retire_on_change

from .models import SiteReportPage
from .selectors import CLUSTER_LIST_TAG


def connect() -> None:
    retire_on_change(CLUSTER_LIST_TAG, [SiteReportPage], "site_reports")
