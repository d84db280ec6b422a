"""Counting a visit: one Redis round trip per beacon, nothing personal kept.

Pages are served from the anonymous page cache and the front proxy, so a page cannot
count itself: every public page's script posts to ``/api/views/<page id>/`` after load
(``themes/base/static/js/visits.js``, the one beacon). The beacon looks the page up
(one query: live, its open site, its column, the article's stored 浏览次数; then held by
the process for ``FACTS_SECONDS``) and sends one pipeline to Redis:

* ``HINCRBY`` of the day's views hash for the site, the column and the page;
* ``PFADD`` of the visitor's token to the day's HyperLogLog of each of them;
* for an article, the running 浏览次数 total (``HSETNX`` seeds it from the database) and
  ``SADD`` to the set of articles the job has to copy.

The aggregation job (``aggregation.py``) turns the counters into ``VisitDay`` rows.

The visitor token is a keyed hash (BLAKE2b) of the client's address and user agent
with a salt drawn at random for each day and deleted once the day is over: within a day
the same reader gives the same token (one unique visitor), across days the tokens cannot
be linked, and once the salt is gone nobody — the operator included — can recompute a
token from an address. The token itself is never stored either: a HyperLogLog keeps
only, per register, the longest run of zero bits seen, from which a count is estimated
(±0.81 %), not the members. Nothing identifies a person, so this is not personal data
under 《个人信息保护法》 (第七十三条: information that cannot identify a person after
anonymisation is not personal information) and needs neither a cookie nor consent.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.counters import PageViewCount
from cms.content.models import ArticlePage, ColumnPage
from core.http import client_ip_address
from sites.models import SiteProfile, SiteStatus

from .store import redis

# Counters and salts outlive their day by this much at most, should the job never run.
KEEP_SECONDS = 8 * 24 * 3600
SALT_SECONDS = 2 * 24 * 3600

# Obvious crawlers, by user agent: 'bot' and 'spider' cover Baiduspider, Googlebot,
# bingbot, Sogou web spider, 360Spider, YisouSpider, Bytespider; the rest are scripted
# clients. Headless browsers are deliberately not listed: our own browser tests and
# real kiosks use them. An empty user agent is no browser either.
BOT_USER_AGENT = re.compile(
    r"bot|spider|crawl|slurp|curl|wget|python-requests|python-urllib|httpclient|java/|go-http-client|scrapy",
    re.IGNORECASE,
)


def is_counted(request: HttpRequest) -> bool:
    """A real reader's load: a POST from a browser that is not a crawler, not a prefetch or prerender."""
    if request.method != "POST":
        return False
    agent = request.headers.get("User-Agent", "")
    if not agent or BOT_USER_AGENT.search(agent):
        return False
    purpose = f"{request.headers.get('Sec-Purpose', '')} {request.headers.get('Purpose', '')}".lower()
    return "prefetch" not in purpose and "prerender" not in purpose


def prefix() -> str:
    """Keys live beside the cache's, under its prefix (benchmarks and instances stay apart)."""
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:visits:"


def day_code(day: date) -> str:
    return f"{day:%Y%m%d}"


def views_key(day: date) -> str:
    return f"{prefix()}d:{day_code(day)}:views"


def visitors_key(day: date, field: str) -> str:
    return f"{prefix()}d:{day_code(day)}:u:{field}"


def salt_key(day: date) -> str:
    return f"{prefix()}salt:{day_code(day)}"


def totals_key() -> str:
    return f"{prefix()}article_totals"


def changed_key() -> str:
    """The articles counted since the job last copied their totals (so it copies only those)."""
    return f"{prefix()}article_totals:changed"


# Hash fields name what is counted: s<site>, c<site>:<column>, p<site>:<page>.
def site_field(site_id: int) -> str:
    return f"s{site_id}"


def column_field(site_id: int, column_id: int) -> str:
    return f"c{site_id}:{column_id}"


def page_field(site_id: int, page_id: int) -> str:
    return f"p{site_id}:{page_id}"


@dataclass(frozen=True)
class PageFacts:
    page_id: int
    site_id: int
    column_id: int | None  # the page itself for a column, its parent column for anything else
    is_article: bool
    stored_count: int  # 浏览次数 as the database has it (articles)


def _type_ids(model) -> set[int]:
    models = [m for m in {model, *model.__subclasses__()} if not m._meta.abstract]
    return {ct.pk for ct in ContentType.objects.get_for_models(*models).values()}


# The page, its site (by its home page's path; open to the public, as SiteStatusMiddleware would
# answer the page), its parent when that is a column, its stored 浏览次数: one statement.
# Written in SQL because compiling the same query through the ORM's subqueries cost more
# than the whole rest of the beacon.
PAGE_FACTS_SQL = """
SELECT p.content_type_id, s.id, parent.id, counted.count
FROM {page} p
JOIN {page} home ON home.path = SUBSTR(p.path, 1, %(home)s)
JOIN {site} s ON s.root_page_id = home.id
LEFT JOIN {page} parent ON parent.path = SUBSTR(p.path, 1, LENGTH(p.path) - %(step)s)
    AND parent.depth > 2 AND parent.content_type_id IN ({columns})
LEFT JOIN {count} counted ON counted.page_id = p.id
LEFT JOIN {profile} profile ON profile.site_id = s.id
WHERE p.id = %(page_id)s AND p.live AND p.depth >= 2
    AND (profile.status IS NULL OR profile.status = %(open)s)
ORDER BY s.is_default_site DESC, s.id
LIMIT 1
"""


# Each process holds what it read for this long: a beacon then costs no query. A page
# unpublished (or a site closed) goes on counting that long in a process, as briefly as the
# front proxy may go on serving it; a page published after its id was asked for starts
# counting that long late. Bounded, so ids made up by a client cannot grow it without end.
FACTS_SECONDS = 30
FACTS_LIMIT = 20_000
_held_facts: dict[int, tuple[float, PageFacts | None]] = {}


def page_facts(page_id: int) -> PageFacts | None:
    """The live page ``page_id`` of an open site (``read_page_facts``), as this process read it at most
    ``FACTS_SECONDS`` ago."""
    now = time.monotonic()
    held = _held_facts.get(page_id)
    if held is not None and held[0] > now:
        return held[1]
    facts = read_page_facts(page_id)
    if len(_held_facts) >= FACTS_LIMIT:
        _held_facts.clear()
    _held_facts[page_id] = (now + FACTS_SECONDS, facts)
    return facts


def forget_page_facts() -> None:
    """Drop this process's copies (tests that change a page between two beacons)."""
    _held_facts.clear()


def read_page_facts(page_id: int) -> PageFacts | None:
    """The live page ``page_id`` of an open site, in one query; None for drafts, unknown ids and
    pages outside every open site."""
    columns = _type_ids(ColumnPage)  # ContentType's own cache: no query after the first
    sql = PAGE_FACTS_SQL.format(
        page=Page._meta.db_table,
        site=Site._meta.db_table,
        count=PageViewCount._meta.db_table,
        profile=SiteProfile._meta.db_table,
        columns=", ".join(str(int(pk)) for pk in sorted(columns)),
    )
    with connection.cursor() as cursor:
        parameters = {"page_id": page_id, "home": 2 * Page.steplen, "step": Page.steplen, "open": SiteStatus.OPEN}
        cursor.execute(sql, parameters)
        row = cursor.fetchone()
    if row is None:
        return None
    content_type, site_id, parent_column, stored = row
    column = page_id if content_type in columns else parent_column
    return PageFacts(page_id, site_id, column, content_type in _type_ids(ArticlePage), stored or 0)


_salt_lock = threading.Lock()
_salt: tuple[date, bytes] | None = None  # this process's copy of today's salt: one Redis read per day


def daily_salt(day: date) -> bytes:
    """The day's random salt, the same in every process (the first to ask draws it)."""
    global _salt
    with _salt_lock:
        if _salt is None or _salt[0] != day:
            pipe = redis().pipeline(transaction=False)
            pipe.set(salt_key(day), secrets.token_hex(32), nx=True, ex=SALT_SECONDS)
            pipe.get(salt_key(day))
            _salt = (day, _ensure_bytes(pipe.execute()[1]))
        return _salt[1]


def forget_salt() -> None:
    """Drop this process's copy (the aggregation deletes past salts; tests start afresh)."""
    global _salt
    with _salt_lock:
        _salt = None


def _ensure_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def visitor_token(day: date, address: str, user_agent: str) -> str:
    digest = hashlib.blake2b(f"{address}\n{user_agent}".encode(), key=daily_salt(day)[:64], digest_size=12)
    return digest.hexdigest()


def record_visit(facts: PageFacts, address: str, user_agent: str, day: date | None = None) -> int | None:
    """Count one view of the page; the article's new 浏览次数 (None for other pages). One round trip."""
    day = day or timezone.localdate()
    token = visitor_token(day, address, user_agent)
    fields = [site_field(facts.site_id), page_field(facts.site_id, facts.page_id)]
    if facts.column_id is not None:
        fields.append(column_field(facts.site_id, facts.column_id))
    views = views_key(day)
    pipe = redis().pipeline(transaction=False)
    for field in fields:
        pipe.hincrby(views, field, 1)
        pipe.pfadd(visitors_key(day, field), token)
        pipe.expire(visitors_key(day, field), KEEP_SECONDS)
    pipe.expire(views, KEEP_SECONDS)
    if facts.is_article:
        pipe.hsetnx(totals_key(), str(facts.page_id), facts.stored_count)
        pipe.hincrby(totals_key(), str(facts.page_id), 1)
        pipe.sadd(changed_key(), str(facts.page_id))
    results = pipe.execute()
    return int(results[-2]) if facts.is_article else None


def current_count(facts: PageFacts) -> int:
    """The article's 浏览次数 without counting: Redis's running total, or the database's."""
    value = redis().hget(totals_key(), str(facts.page_id))
    return max(int(value), facts.stored_count) if value is not None else facts.stored_count


def record_request(request: HttpRequest, facts: PageFacts) -> int | None:
    return record_visit(facts, client_ip_address(request) or "", request.headers.get("User-Agent", ""))
