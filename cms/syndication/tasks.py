"""Background work after a takedown or restore: purge front proxies, with retry."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django_tasks import task
from wagtail.models import Page

logger = logging.getLogger(__name__)
PURGE_ATTEMPTS = 3
PURGE_BACKOFF_SECONDS = 1.0
# Wagtail's purge backends log a failed PURGE on this logger instead of raising.
FRONTEND_CACHE_LOGGER = "wagtail.frontendcache"


class _FailureCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.failures = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.failures += 1


@task()
def purge_front_caches(page_ids: list[int]) -> None:
    """HTTP PURGE every URL of these pages at the front proxies (``WAGTAILFRONTENDCACHE``).

    The anonymous page cache is retired synchronously after commit. A proxy may be
    briefly unreachable: if any PURGE fails (raised, or logged by the backend), the
    whole batch is sent again — PURGE is idempotent — with a growing pause."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import get_backends

    # Wagtail's purge_pages_from_cache would enqueue yet another task and hide the
    # outcome; this task is already in the background, so it purges directly.
    urls = []
    for page in Page.objects.filter(pk__in=page_ids):
        page_url = page.get_full_url(request=None)
        if page_url:
            urls += [page_url + path.lstrip("/") for path in page.specific_deferred.get_cached_paths()]
    if not urls:
        return
    backend_logger = logging.getLogger(FRONTEND_CACHE_LOGGER)
    for attempt in range(1, PURGE_ATTEMPTS + 1):
        counter = _FailureCounter()
        backend_logger.addHandler(counter)
        try:
            for backend in get_backends().values():
                backend.purge_batch(urls)
        except Exception:  # a network error must not lose the purge silently
            counter.failures += 1
            logger.warning("front cache purge raised (attempt %s/%s)", attempt, PURGE_ATTEMPTS, exc_info=True)
        finally:
            backend_logger.removeHandler(counter)
        if not counter.failures:
            return
        if attempt < PURGE_ATTEMPTS:
            time.sleep(PURGE_BACKOFF_SECONDS * attempt)
    logger.error("front cache purge gave up after %s attempts for pages %s", PURGE_ATTEMPTS, page_ids)
