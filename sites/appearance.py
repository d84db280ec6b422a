"""A site's appearance settings as plain data, cached: the page chrome costs no query."""

from __future__ import annotations

from django.core.cache import cache

from .models import SiteAppearance

CACHE_SECONDS = 24 * 3600


def _key(site_id: int) -> str:
    return f"sites:appearance:{site_id}"


def forget(site_id: int) -> None:
    """Drop a site's cached appearance (``sites.handlers``, after its settings change)."""
    cache.delete(_key(site_id))


def appearance_for(site) -> dict:
    """Logo and banner URLs, colour, sponsor line, 党政机关 mark link and footer links of ``site``."""
    if site is None:
        return {}
    data = cache.get(_key(site.pk))
    if data is None:
        data = _load(site)
        cache.set(_key(site.pk), data, CACHE_SECONDS)
    return data


def _load(site) -> dict:
    settings = SiteAppearance.objects.filter(site=site).select_related("logo", "banner").first()
    if settings is None:
        return {"links": []}
    return {
        "logo_url": settings.logo.get_rendition("height-80").url if settings.logo_id else "",
        "logo_alt": settings.logo.title if settings.logo_id else "",
        "banner_url": settings.banner.get_rendition("width-1200").url if settings.banner_id else "",
        "banner_alt": settings.banner_alt,
        "primary_colour": settings.primary_colour,
        "sponsor_line": settings.sponsor_line,
        "party_gov_mark_url": settings.party_gov_mark_url,
        "links": [{"title": link.title, "url": link.url} for link in settings.footer_links.all()],
    }
