"""Demo visits: thirty days of readers on every demo site, counted through the real beacon path.

Each visit goes through ``counting.record_visit`` for its day (the Redis counters a beacon
feeds) and the days are then aggregated by the real job, so the statistics pages, the
exports and the annual report read rows written the one way rows are written. Deterministic
(a seeded generator): the same demo has the same figures.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.models import ArticlePage, ColumnPage

from . import counting
from .aggregation import aggregate
from .models import VisitDay

DAYS = 30
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.49",
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
)


def load_visits_demo(sites: dict[str, Site], *, portal_key: str = "portal") -> int:
    """Visits of the last ``DAYS`` days on each site without any (portal ~120 a day, others ~30); how many."""
    generator = random.Random(2026)
    today = timezone.localdate()
    recorded = 0
    for key, site in sites.items():
        if VisitDay.objects.filter(site=site).exists():
            continue
        pages = _pages_of(site)
        facts = [f for f in (counting.read_page_facts(page.pk) for page in pages) if f is not None]
        if not facts:
            continue
        # Readers open the home page most, then the columns, then a few articles: weights fall off.
        weights = [1 / (rank + 1) for rank in range(len(facts))]
        daily = 120 if key == portal_key else 30
        for back in range(DAYS, 0, -1):
            day = today - timedelta(days=back)
            weekend = day.weekday() >= 5
            for _ in range(int(daily * (0.45 if weekend else 1) * generator.uniform(0.7, 1.3))):
                reader = generator.randrange(daily * 3)  # some come back the same day
                address = f"10.{reader // 65536 % 256}.{reader // 256 % 256}.{reader % 256}"
                visited = generator.choices(facts, weights)[0]
                counting.record_visit(visited, address, AGENTS[reader % len(AGENTS)], day=day)
                recorded += 1
    if recorded:
        aggregate(today)
    return recorded


def _pages_of(site: Site) -> list[Page]:
    root = site.root_page
    columns = list(ColumnPage.objects.live().descendant_of(root).order_by("path")[:12])
    articles = list(ArticlePage.objects.live().descendant_of(root).order_by("-publication_date")[:20])
    return [root, *columns, *articles]
