"""Background work after a takedown or restore: purge front proxies, with retry."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django_tasks import task
from wagtail.models import Page

logger = logging.getLogger(__name__)
PURGE_ATTEMPTS = 3


@task()
def purge_front_caches(page_ids: list[int]) -> None:
    """HTTP PURGE every URL of these pages at the front proxies (``WAGTAILFRONTENDCACHE``).

    The anonymous page cache is retired synchronously after commit; a proxy may be
    briefly unreachable, so each attempt that raises is retried with a backoff."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache

    pages = list(Page.objects.filter(pk__in=page_ids))
    for attempt in range(1, PURGE_ATTEMPTS + 1):
        try:
            purge_pages_from_cache(pages)
            return
        except Exception:  # a network error must not lose the purge silently
            logger.warning("front cache purge failed (attempt %s/%s)", attempt, PURGE_ATTEMPTS, exc_info=True)
            time.sleep(2 ** (attempt - 1))
    logger.error("front cache purge gave up for pages %s", page_ids)
