"""What a report page's change retires in the page cache, wired once (``SiteReportsConfig.ready``).

Its own page and its column follow from the page's publish like any page (``sites.handlers``);
the portal's list of every site's reports is on another site and carries ``CLUSTER_LIST_TAG``."""

from __future__ import annotations

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.signals import connect_for_page_models
from sites.page_cache import retire_after_commit

from .models import SiteReportPage
from .selectors import CLUSTER_LIST_TAG


def _report_changed(sender, instance: SiteReportPage, **kwargs) -> None:
    retire_after_commit(CLUSTER_LIST_TAG)


def connect() -> None:
    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished"), (post_page_move, "moved")):
        connect_for_page_models(signal, _report_changed, f"site_reports.{name}", models=[SiteReportPage])
    post_delete.connect(_report_changed, sender=SiteReportPage, dispatch_uid="site_reports.deleted")
