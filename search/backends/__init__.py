"""The search backend chosen by ``SEARCH_BACKEND`` (``database`` or ``elasticsearch``)."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from .base import SearchBackend


@cache
def _backend(name: str) -> SearchBackend:
    if name == "elasticsearch":
        from .elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(settings.ELASTICSEARCH_URL, index=settings.ELASTICSEARCH_INDEX)
    if name == "database":
        from .database import DatabaseBackend

        return DatabaseBackend()
    raise ValueError(f"unknown SEARCH_BACKEND {name!r}")


def get_backend(name: str | None = None) -> SearchBackend:
    return _backend(name or settings.SEARCH_BACKEND)
