"""The aggregation job: the day's Redis counters become ``VisitDay`` rows (every 10 minutes).

Idempotent: each run reads the day's counters as they stand — absolute figures for the
day, never increments — and upserts them, so a second run, or two schedulers' runs,
write the same rows. A day's counters are kept one day after it ends (a beacon that
read the date just before midnight still lands in it), then deleted; a past day's salt
is deleted at once, so its visitor tokens can never be computed again. The articles'
浏览次数 totals go to ``PageViewCount`` as the larger of the stored and the live figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.counters import PageViewCount

from . import counting
from .models import Scope, VisitDay
from .store import redis

BATCH = 5000  # fields per pipeline and rows per INSERT: bounded memory and statement size
FIELD = re.compile(r"^(?:s(\d+)|c(\d+):(\d+)|p(\d+):(\d+))$")


@dataclass(frozen=True)
class Summary:
    days: list[date]
    rows: int
    totals: int
    deleted_days: list[date]


def counted_days() -> list[date]:
    """The days that have counters in Redis."""
    pattern = f"{counting.prefix()}d:*:views"
    days = set()
    for key in redis().scan_iter(match=pattern, count=1000):
        code = key.decode() if isinstance(key, bytes) else key
        days.add(datetime.strptime(code[len(counting.prefix()) + 2 :][:8], "%Y%m%d").date())
    return sorted(days)


def _rows_of_day(day: date) -> list[VisitDay]:
    client = redis()
    views = {
        (k.decode() if isinstance(k, bytes) else k): int(v) for k, v in client.hgetall(counting.views_key(day)).items()
    }
    fields = [f for f in views if FIELD.match(f)]
    visitors: dict[str, int] = {}
    for start in range(0, len(fields), BATCH):
        pipe = client.pipeline(transaction=False)
        chunk = fields[start : start + BATCH]
        for field in chunk:
            pipe.pfcount(counting.visitors_key(day, field))
        visitors.update(zip(chunk, pipe.execute(), strict=True))
    site_ids = {int(f[1:]) for f in fields if f.startswith("s")}
    homes = dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "root_page_id"))
    rows = []
    for field in fields:
        match = FIELD.match(field)
        if match.group(1):
            site_id, scope, page_id = int(match.group(1)), Scope.SITE, homes.get(int(match.group(1)))
        elif match.group(2):
            site_id, scope, page_id = int(match.group(2)), Scope.COLUMN, int(match.group(3))
        else:
            site_id, scope, page_id = int(match.group(4)), Scope.PAGE, int(match.group(5))
        if page_id is None:
            continue  # a site deleted since
        # A HyperLogLog estimate may pass the exact view count by a hair; a day never has more visitors than views.
        unique = min(visitors[field], views[field])
        rows.append(
            VisitDay(date=day, site_id=site_id, scope=scope, page_id=page_id, views=views[field], visitors=unique)
        )
    # Pages or sites deleted since they were counted have nothing to attach their row to.
    existing = set(Page.objects.filter(pk__in={r.page_id for r in rows}).values_list("pk", flat=True))
    return [r for r in rows if r.page_id in existing]


def aggregate_day(day: date) -> int:
    """Write the day's rows from its counters; the number of rows written."""
    rows = _rows_of_day(day)
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            VisitDay.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["date", "scope", "page"],
                update_fields=["site", "views", "visitors"],
            )
    return len(rows)


def store_article_totals() -> int:
    """Copy the live 浏览次数 of the articles counted since the last run into ``PageViewCount``
    (the larger figure wins, so a repeated or concurrent run changes nothing); how many."""
    client = redis()
    changed = [int(pk) for pk in client.smembers(counting.changed_key())]
    if not changed:
        return 0
    totals = {}
    for start in range(0, len(changed), BATCH):
        chunk = changed[start : start + BATCH]
        values = client.hmget(counting.totals_key(), [str(pk) for pk in chunk])
        totals.update({pk: int(v) for pk, v in zip(chunk, values, strict=True) if v is not None})
    live = set(Page.objects.filter(pk__in=totals).values_list("pk", flat=True))
    stored = dict(PageViewCount.objects.filter(page_id__in=live).values_list("page_id", "count"))
    rows = [PageViewCount(page_id=pk, count=max(totals[pk], stored.get(pk, 0))) for pk in live]
    with transaction.atomic():
        PageViewCount.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["page"], update_fields=["count"], batch_size=BATCH
        )
    gone = [str(pk) for pk in totals if pk not in live]
    if gone:
        client.hdel(counting.totals_key(), *gone)
    # Only after the rows are written, so a failed run copies them next time. An article counted
    # between the read and this removal is copied at its next view (readers see Redis's figure).
    client.srem(counting.changed_key(), *[str(pk) for pk in changed])
    return len(rows)


def delete_day(day: date) -> None:
    client = redis()
    keys = list(client.scan_iter(match=f"{counting.prefix()}d:{counting.day_code(day)}:*", count=1000))
    for start in range(0, len(keys), BATCH):
        client.delete(*keys[start : start + BATCH])


def delete_past_salts(today: date) -> None:
    client = redis()
    for key in client.scan_iter(match=f"{counting.prefix()}salt:*", count=100):
        code = (key.decode() if isinstance(key, bytes) else key).rsplit(":", 1)[1]
        if code < counting.day_code(today):
            client.delete(key)


def aggregate(today: date | None = None) -> Summary:
    """Aggregate every counted day, store the articles' totals, delete what is no longer needed."""
    today = today or timezone.localdate()
    days = counted_days()
    rows = sum(aggregate_day(day) for day in days)
    totals = store_article_totals()
    delete_past_salts(today)
    finished = [day for day in days if day < today - timedelta(days=1)]
    for day in finished:
        delete_day(day)
    return Summary(days, rows, totals, finished)
