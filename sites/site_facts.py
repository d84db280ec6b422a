"""Per-site facts every public request needs, cached: the Site, its profile and home page,
and the cluster's portal (name and address) that every subsite's header links back to.

Resolving the site (Wagtail's hostname match), loading its SiteProfile with the
organisation and the specific home page cost three queries on every request,
for rows that change a few times a year. They are cached per hostname and port
under the ``core.cache`` scope ``Scope.SITE_FACTS``, which ``sites.handlers``
retires on any save or delete of a Site, SiteProfile, Organisation or home page
(a page at depth 2, drafts included) in every process, so a changed fact is
never served.

Only exact hostname matches are cached: a request for an unknown hostname falls
back to the default site through Wagtail's own query each time, so arbitrary
``Host`` headers cannot fill the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site

from core import wagtail_internals
from core.cache import Scope, generation

from .models import SiteProfile, SiteStatus, SiteType

CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PortalLink:
    """The cluster's portal as a subsite's header names and links it."""

    name: str
    url: str


@dataclass(frozen=True)
class SiteFacts:
    site: Site | None
    profile: SiteProfile | None
    # None on the portal itself, and when the cluster has no portal that is not closed.
    portal: PortalLink | None = None


def _key(hostname: str, port: int | str) -> str:
    return f"sitefacts:{generation(Scope.SITE_FACTS)}:{hostname}:{port}"


def _load(request: HttpRequest) -> SiteFacts:
    site = wagtail_internals.match_site(request)  # Wagtail's own matching: hostname, port, default site
    if site is None:
        return SiteFacts(None, None)
    # The specific home page: Wagtail routes every request from ``site.root_page.specific``.
    site.root_page = site.root_page.specific
    # The site's profile and the portal's in one query: a subsite's header links the portal.
    profiles = SiteProfile.objects.select_related("organisation", "site").filter(
        Q(site=site) | (Q(site_type=SiteType.PORTAL) & ~Q(status=SiteStatus.CLOSED))
    )
    profile, portal = None, None
    for row in profiles:
        if row.site_id == site.pk:
            profile = row
            profile.site = site  # SiteProfile.__str__ reads the site name
        elif row.site_type == SiteType.PORTAL:
            portal = PortalLink(str(row), f"{row.site.root_url}/")
    return SiteFacts(site, profile, portal)


def facts_for_request(request: HttpRequest) -> SiteFacts:
    """The request's site (root page loaded, specific) and profile; no query when cached."""
    hostname = split_domain_port(wagtail_internals.raw_host(request))[0]
    port = request.get_port()
    key = _key(hostname, port)
    facts = cache.get(key)
    if facts is None:
        facts = _load(request)
        if facts.site is not None and facts.site.hostname == hostname:
            cache.set(key, facts, CACHE_SECONDS)
    return facts


UNLISTED_STATUSES = (SiteStatus.PREPARING, SiteStatus.CLOSED)


def unlisted_site_paths() -> tuple[str, ...]:
    """Tree paths of the sites the public cannot open (筹建 answers 404, 已关闭 410): a listing
    that spans the cluster (the portal's catalogue) leaves their pages out. Cached with the
    site facts, so it is retired whenever a site's status changes."""
    key = f"sitefacts:{generation(Scope.SITE_FACTS)}:unlisted-paths"
    paths = cache.get(key)
    if paths is None:
        paths = tuple(
            SiteProfile.objects.filter(status__in=UNLISTED_STATUSES).values_list("site__root_page__path", flat=True)
        )
        cache.set(key, paths, CACHE_SECONDS)
    return paths
