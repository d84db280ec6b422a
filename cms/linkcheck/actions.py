"""A run of the external link checker: record the links, check the stale addresses, store the results.

``CheckExternalLinksAction`` is what the daily job, the task and the command call:

1. **record** the links of every published page of the sites (``ExternalLink``, replaced per
   site in one transaction) from the same page rows and rich-text reader the inspection rules
   use (``cms.monitoring.facts.published_rows``, ``cms.workflow.checks.check_text_fields``);
   addresses no page links to any more are dropped;
2. **check** the addresses those sites link to whose last check is older than
   ``LINKCHECK_RECHECK_HOURS`` (never checked first, then the oldest), at most
   ``LINKCHECK_MAX_URLS_PER_RUN`` of them (``checker.LinkChecker``);
3. **store** each result as it comes (in batches): status, HTTP code, error, time and the count
   of consecutive failures — an address is broken only once it failed twice in a row.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from wagtail.models import Site

from cms.monitoring.actions import monitored_sites
from cms.monitoring.facts import SiteOfPath, published_rows
from cms.workflow.checks import check_text_fields

from .checker import LinkChecker, Outcome
from .models import FAILURE_STATUSES, ExternalLink, ExternalUrl, LinkStatus
from .results import normalize_url, url_hash

STORE_BATCH = 200
BULK_BATCH = 2000


@dataclass
class RunSummary:
    sites: int = 0
    links: int = 0  # links recorded (page × address)
    addresses: int = 0  # distinct addresses linked
    checked: int = 0
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def describe(self) -> str:
        counts = "、".join(f"{LinkStatus(status).label}{n}个" for status, n in sorted(self.statuses.items()))
        return (
            f"{self.sites}个站点共有外部链接{self.links}处（{self.addresses}个地址），本次检查{self.checked}个地址"
            + (f"：{counts}" if counts else "")
            + f"，用时{self.seconds:.1f}秒。"
        )


class CheckExternalLinksAction:
    """Record and check the external links of one site (or of every monitored site)."""

    def __init__(
        self,
        site: Site | None = None,
        *,
        now: datetime | None = None,
        checker: LinkChecker | None = None,
        max_urls: int | None = None,
    ) -> None:
        self.site = site
        self.now = now
        self.checker = checker
        self.max_urls = settings.LINKCHECK_MAX_URLS_PER_RUN if max_urls is None else max_urls

    def sites(self) -> list[Site]:
        if self.site is None:
            return monitored_sites()
        return [Site.objects.select_related("root_page").get(pk=self.site.pk)]

    def execute(self) -> RunSummary:
        started = time.perf_counter()
        sites = self.sites()
        summary = RunSummary(sites=len(sites))
        if sites:
            summary.links, summary.addresses = record_links(sites, every_site=self.site is None)
            due = list(self.due(sites))
            checker = self.checker or LinkChecker()
            by_url = {address.url: address for address in due}
            batch: list[ExternalUrl] = []
            for url, outcome in checker.check_all(by_url):
                batch.append(apply_outcome(by_url[url], outcome, timezone.now()))
                summary.statuses[outcome.status] += 1
                if len(batch) >= STORE_BATCH:
                    _store(batch)
                    batch = []
            _store(batch)
            summary.checked = len(due)
        summary.seconds = time.perf_counter() - started
        return summary

    def due(self, sites: Sequence[Site]):
        """The addresses the sites link to that were never checked or not since the re-check interval."""
        stale_before = (self.now or timezone.now()) - timedelta(hours=settings.LINKCHECK_RECHECK_HOURS)
        linked = ExternalLink.objects.filter(url=OuterRef("pk"), site__in=sites)
        return (
            ExternalUrl.objects.filter(Exists(linked))
            .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=stale_before))
            .order_by(F("checked_at").asc(nulls_first=True), "pk")[: self.max_urls]
        )


def record_links(sites: Sequence[Site], *, every_site: bool = False) -> tuple[int, int]:
    """Replace the sites' ``ExternalLink`` rows by the links of their published pages now;
    (links, distinct addresses). Only the pages whose text holds "://" are read. ``every_site``:
    ``sites`` are all the monitored sites, so the rows of any other (a closed site) go too."""
    if not sites:
        return 0, 0
    site_of = SiteOfPath(sites)
    home_ids = {site.root_page_id for site in sites}
    found: dict[tuple[int, str], ExternalLink] = {}  # (page, address) → link
    for site_id, model, row in published_rows(site_of, containing="://"):
        text = check_text_fields(row, model, None)
        for raw, label, _field in text.external_links:
            url = normalize_url(raw)
            if url is not None and (row["id"], url) not in found:
                found[row["id"], url] = ExternalLink(
                    site_id=site_id, page_id=row["id"], text=label.strip()[:255], on_home_page=row["id"] in home_ids
                )
    urls = {url for _page, url in found}
    with transaction.atomic():
        ExternalUrl.objects.bulk_create(
            [ExternalUrl(url=url, url_hash=url_hash(url), host=_host(url)) for url in urls],
            ignore_conflicts=True,
            batch_size=BULK_BATCH,
        )
        ids = dict(
            ExternalUrl.objects.filter(url_hash__in=[url_hash(url) for url in urls]).values_list("url_hash", "pk")
        )
        for (_page, url), link in found.items():
            link.url_id = ids[url_hash(url)]
        (ExternalLink.objects.all() if every_site else ExternalLink.objects.filter(site__in=sites)).delete()
        ExternalLink.objects.bulk_create(found.values(), batch_size=BULK_BATCH)
        ExternalUrl.objects.filter(~Exists(ExternalLink.objects.filter(url=OuterRef("pk")))).delete()
    return len(found), len(urls)


def apply_outcome(address: ExternalUrl, outcome: Outcome, when: datetime) -> ExternalUrl:
    """The check's result on the address; failures are counted in a row, a denied address is neither."""
    address.status = outcome.status
    address.http_code = outcome.http_code
    address.error = outcome.error[:500]
    address.final_url = outcome.final_url
    address.checked_at = when
    if outcome.status in FAILURE_STATUSES:
        address.consecutive_failures += 1
    else:
        address.consecutive_failures = 0
    if outcome.status == LinkStatus.OK:
        address.last_ok_at = when
    return address


def _store(batch: list[ExternalUrl]) -> None:
    if batch:
        ExternalUrl.objects.bulk_update(
            batch,
            ["status", "http_code", "error", "final_url", "checked_at", "consecutive_failures", "last_ok_at"],
        )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "")[:255]
