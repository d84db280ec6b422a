"""Purges of the front proxies (deploy/varnish/default.vcl, docs/front-proxy.md).

``purge(tags=…, urls=…)`` collects what a change retires and sends it once the current
transaction commits (at once outside one): one ``PURGE`` per proxy of ``FRONT_PROXY_URLS``
carrying every tag of the transaction in its ``xkey-purge`` header, split only when the
header would pass ``MAX_HEADER_BYTES``. A URL travels as the tag ``url:<host><path>`` that
the VCL gives every object, so URL and tag purges share the one request.

A proxy that does not answer is logged (WARNING, logger ``sites.front_proxy``) and the
purge is retried by the task ``retry_purge`` with backoff, so the request is never held
nor failed by it: the Django page cache and the database are right either way, and the
proxy's copy lives at most its ``s-maxage``.

Wagtail's own purges on publish and unpublish (``wagtail.contrib.frontend_cache``) come
through here too, by ``WagtailPurgeBackend``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils.encoding import iri_to_uri
from django_tasks import task
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

logger = logging.getLogger("sites.front_proxy")

# Varnish refuses a request whose headers pass http_req_hdr_len (8 KiB by default).
MAX_HEADER_BYTES = 8000
PURGE_HEADER = "xkey-purge"
TIMEOUT = (0.5, 2.0)  # connect, read: a purge is answered in microseconds by a live proxy


class _Outbox(threading.local):
    """What this thread's changes retired and no commit has sent yet."""

    def __init__(self) -> None:
        self.keys: set[str] = set()


_outbox = _Outbox()


def url_key(url: str) -> str:
    """The tag the VCL gives every object of ``url``: host (as clients send it) and path, no query."""
    parts = urlsplit(url)
    return f"url:{parts.netloc.lower()}{iri_to_uri(parts.path or '/').replace(',', '%2C')}"


def purge(tags: Iterable[str] = (), urls: Iterable[str] = ()) -> None:
    """Retire ``tags`` (``page:123``, ``site:7:nav`` …) and ``urls`` at every front proxy, after commit.

    Each ``on_commit`` callback sends whatever has been collected so far, so a transaction
    sends one batch however many changes it makes; what a rolled-back transaction
    collected goes out with the next batch (a purge too many is harmless, one too few is not)."""
    if not settings.FRONT_PROXY_URLS:
        return
    tags, urls = ([tags] if isinstance(tags, str) else tags), ([urls] if isinstance(urls, str) else urls)
    for tag in tags:
        _outbox.keys.update(tag.split())  # whitespace separates tags in the header: never inside one
    _outbox.keys.update(url_key(url) for url in urls)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_flush, robust=True)
    else:
        _flush()


def batches(keys: Iterable[str], limit: int = MAX_HEADER_BYTES) -> list[str]:
    """``keys`` as space-separated header values of at most ``limit`` bytes each."""
    values: list[str] = []
    current: list[str] = []
    size = 0
    for key in sorted(keys):
        length = len(key.encode())
        if current and size + 1 + length > limit:
            values.append(" ".join(current))
            current, size = [], 0
        size += length + (1 if current else 0)
        current.append(key)
    if current:
        values.append(" ".join(current))
    return values


def _flush() -> None:
    keys, _outbox.keys = _outbox.keys, set()
    if not keys:
        return
    for proxy in settings.FRONT_PROXY_URLS:
        for header in batches(keys):
            if send(proxy, header):
                continue
            try:
                retry_purge.enqueue(proxy, header)
            except Exception:  # the queue's database down too: the page cache is still right
                logger.exception("front proxy %s: purge retry not queued, its copies expire with their s-maxage", proxy)


def send(proxy: str, header: str) -> bool:
    """One PURGE; False when it should be tried again (the proxy unreachable or failing)."""
    try:
        response = requests.request("PURGE", proxy.rstrip("/") + "/", headers={PURGE_HEADER: header}, timeout=TIMEOUT)
    except requests.RequestException as error:
        logger.warning("front proxy %s is down, purge not sent (%s)", proxy, error.__class__.__name__)
        return False
    if response.status_code == 200:
        logger.debug("front proxy %s purged %s objects", proxy, response.headers.get("X-Purged", "?"))
        return True
    if response.status_code == 405:  # a retry would be refused the same way
        logger.error("front proxy %s refuses this server's purges: add its address to the VCL's purgers ACL", proxy)
        return True
    logger.warning("front proxy %s answered %s to a purge", proxy, response.status_code)
    return False


@task()
def retry_purge(proxy: str, header: str) -> None:
    """Try a purge again, after each delay of ``FRONT_PROXY_RETRY_DELAYS`` (in a worker in production)."""
    for delay in settings.FRONT_PROXY_RETRY_DELAYS:
        time.sleep(delay)
        if send(proxy, header):
            return
    logger.error(
        "front proxy %s: purge given up after %d retries; its copies expire with their s-maxage",
        proxy,
        len(settings.FRONT_PROXY_RETRY_DELAYS),
    )


class WagtailPurgeBackend(BaseBackend):
    """``wagtail.contrib.frontend_cache``'s purges (a page's URLs on publish and unpublish) sent by ``purge``."""

    def purge(self, url: str) -> None:
        purge(urls=[url])

    def purge_batch(self, urls: Iterable[str]) -> None:
        purge(urls=urls)
