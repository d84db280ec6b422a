"""Read-side helpers: which site a page is in, and what a takedown hides from listings, feeds, sitemaps and search."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import QuerySet
from wagtail.models import Page, Site

from core.cache import Scope, generation, token_key

from .models import TakedownPage

SERVED_IDS_KEY = "syndication:served-takedown-page-ids"


class SiteIndex:
    """Which site a page belongs to, for any number of pages, from one query."""

    def __init__(self) -> None:
        sites = Site.objects.select_related("root_page", "profile__organisation")
        # Longest root path first, so nested roots (none today) would still resolve correctly.
        self.roots = sorted(((s.root_page.url_path, s) for s in sites), key=lambda pair: -len(pair[0]))

    def site_of(self, page: Page) -> Site | None:
        for root_path, site in self.roots:
            if page.url_path.startswith(root_path):
                return site
        return None

    def path_in_site(self, page: Page, site: Site | None) -> str:
        if site is None:
            return page.url_path
        return "/" + page.url_path[len(site.root_page.url_path) :]


def site_label(site: Site | None) -> str:
    if site is None:
        return "（不属于任何网站）"
    return site.site_name or site.hostname


def unit_name(site: Site | None) -> str:
    """The unit (机构) a site speaks for: 来源 of pushed items."""
    profile = getattr(site, "profile", None) if site else None
    return profile.organisation.name if profile else site_label(site)


def active_takedown_page_ids(page_ids: Iterable[int]) -> set[int]:
    """Those of ``page_ids`` that a live takedown holds."""
    return set(TakedownPage.objects.filter(active=True, page_id__in=list(page_ids)).values_list("page_id", flat=True))


def exclude_taken_down(pages: QuerySet) -> QuerySet:
    """``pages`` without any page a live takedown affects.

    A withdrawn page stays live at its URL (with its notice) but is listed
    nowhere; the other kinds are offline anyway. A subquery: no extra query.
    """
    return pages.exclude(pk__in=TakedownPage.objects.filter(active=True).values("page_id"))


def served_takedown_page_ids() -> frozenset[int]:
    """Live pages that a live takedown holds: they answer as taken down when Wagtail serves them.

    A withdrawn page stays live for good (its notice is its content); a page taken
    down otherwise is live only until the background unpublish has run. Consulted on
    every page served: the set is cached with the ``TAKEDOWNS`` token it was read
    under, and both come back in one cache round trip; every takedown, restore and
    completed unpublish retires the token (``core.cache``)."""
    found = cache.get_many([token_key(Scope.TAKEDOWNS), SERVED_IDS_KEY])
    token = found.get(token_key(Scope.TAKEDOWNS)) or generation(Scope.TAKEDOWNS)
    stored = found.get(SERVED_IDS_KEY)
    if stored is not None and stored[0] == token:
        return stored[1]
    ids = frozenset(TakedownPage.objects.filter(active=True, page__live=True).values_list("page_id", flat=True))
    cache.set(SERVED_IDS_KEY, (token, ids), None)
    return ids


def takedown_of(page_id: int) -> TakedownPage | None:
    """The newest live takedown row holding ``page_id``."""
    return (
        TakedownPage.objects.filter(active=True, page_id=page_id)
        .select_related("takedown__replacement")
        .order_by("-takedown__created_at")
        .first()
    )
