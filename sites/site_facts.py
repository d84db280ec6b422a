"""Per-site facts every public request needs, cached: the Site, its profile and home page.

Resolving the site (Wagtail's hostname match), loading its SiteProfile with the
organisation and the specific home page cost three queries on every request,
for rows that change a few times a year. They are cached per hostname and port
under one generation token (``core.cache.Scope.SITE_FACTS``), retired on any save or
delete of a Site, SiteProfile, Organisation or home page (a page at depth 2,
drafts included), so a changed fact is never served.

Only exact hostname matches are cached: a request for an unknown hostname falls
back to the default site through Wagtail's own query each time, so arbitrary
``Host`` headers cannot fill the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Page, Site
from wagtail.signals import post_page_move

from core.cache import Scope, generation, invalidate

from .models import Organisation, SiteProfile

CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class SiteFacts:
    site: Site | None
    profile: SiteProfile | None


def bump_generation() -> None:
    invalidate(Scope.SITE_FACTS)


def _key(hostname: str, port: int | str) -> str:
    return f"sitefacts:{generation(Scope.SITE_FACTS)}:{hostname}:{port}"


def _load(request: HttpRequest) -> SiteFacts:
    site = Site._find_for_request(request)  # Wagtail's own matching: hostname, port, default site
    if site is None:
        return SiteFacts(None, None)
    # The specific home page: Wagtail routes every request from ``site.root_page.specific``.
    site.root_page = site.root_page.specific
    profile = SiteProfile.objects.select_related("organisation").filter(site=site).first()
    if profile is not None:
        profile.site = site  # SiteProfile.__str__ reads the site name
    return SiteFacts(site, profile)


def facts_for_request(request: HttpRequest) -> SiteFacts:
    """The request's site (root page loaded, specific) and profile; no query when cached."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    key = _key(hostname, port)
    facts = cache.get(key)
    if facts is None:
        facts = _load(request)
        if facts.site is not None and facts.site.hostname == hostname:
            cache.set(key, facts, CACHE_SECONDS)
    return facts


@receiver(post_save)
@receiver(post_delete)
def _retire_on_change(sender, instance, **kwargs) -> None:
    if isinstance(instance, (Site, SiteProfile, Organisation)) or (
        isinstance(instance, Page) and instance.depth is not None and instance.depth <= 2
    ):
        bump_generation()


@receiver(post_page_move)
def _retire_on_move(sender, instance, **kwargs) -> None:
    if instance.depth <= 2:
        bump_generation()
