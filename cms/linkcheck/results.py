"""Reading the checker's stored results: what ``cms.monitoring.facts`` asks for, in one query."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from .models import ExternalUrl, LinkStatus

# Longer addresses are not recorded nor checked (no real page links to one).
MAX_URL_LENGTH = 4096


def normalize_url(url: str) -> str | None:
    """The address as checked: scheme and host in lower case, the fragment dropped (never sent);
    None for what is not an absolute http(s) address, or too long."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class UrlResult:
    url: str
    status: str
    http_code: int | None
    error: str
    checked_at: datetime | None
    consecutive_failures: int
    final_url: str

    @property
    def is_checked(self) -> bool:
        """Contacted at least once (a denied address never is)."""
        return self.checked_at is not None and self.status not in (LinkStatus.UNCHECKED, LinkStatus.DENIED)

    @property
    def is_broken(self) -> bool:
        return self.consecutive_failures >= settings.LINKCHECK_FAILURES_TO_BREAK

    @property
    def why(self) -> str:
        """The failure in Chinese, for a message."""
        label = LinkStatus(self.status).label
        return f"{label}（{self.error}）" if self.error else label


def results_by_url(urls: Iterable[str]) -> dict[str, UrlResult]:
    """The stored result of each of ``urls`` (as written in the text) that has one: one query, none
    without addresses."""
    normalized = {url: normalize_url(url) for url in urls}
    hashes = {url_hash(value): value for value in normalized.values() if value}
    if not hashes:
        return {}
    rows = ExternalUrl.objects.filter(url_hash__in=list(hashes)).values(
        "url", "status", "http_code", "error", "checked_at", "consecutive_failures", "final_url"
    )
    stored = {row["url"]: UrlResult(**row) for row in rows}
    return {url: stored[value] for url, value in normalized.items() if value in stored}
