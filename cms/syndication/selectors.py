"""Read-side helpers: what a takedown hides, for listings, feeds, sitemaps and search."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from .models import TakedownKind, TakedownPage


def exclude_taken_down(pages: QuerySet) -> QuerySet:
    """``pages`` without any page a live takedown affects.

    A withdrawn page stays live at its URL (with its notice) but is listed
    nowhere; the other kinds are offline anyway. A subquery: no extra query.
    """
    return pages.exclude(pk__in=TakedownPage.objects.filter(active=True).values("page_id"))


def withdrawn_page_ids() -> frozenset[int]:
    """Pages that show a withdrawal notice instead of their content.

    Consulted on every page served, so kept in the cache (one cache read, no
    query); ``services.after_pages_changed`` deletes it after every change.
    """
    from .services import WITHDRAWN_IDS_KEY

    ids = cache.get(WITHDRAWN_IDS_KEY)
    if ids is None:
        ids = frozenset(
            TakedownPage.objects.filter(active=True, takedown__kind=TakedownKind.WITHDRAWN).values_list(
                "page_id", flat=True
            )
        )
        cache.set(WITHDRAWN_IDS_KEY, ids, None)
    return ids


def withdrawal_of(page_id: int) -> TakedownPage | None:
    return (
        TakedownPage.objects.filter(active=True, page_id=page_id, takedown__kind=TakedownKind.WITHDRAWN)
        .select_related("takedown__replacement")
        .order_by("-takedown__created_at")
        .first()
    )
