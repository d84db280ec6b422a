"""Anonymous page responses cached per site, served without touching the database.

Any change that can alter a public page anywhere — a publish, unpublish, move or
delete, a site closed or reopened, its appearance edited — retires the
cluster-wide ``core.cache`` scope ``Scope.PAGES`` (``sites.handlers``), and so
every cached page at once. Cluster-wide because
pages show other sites' content (the portal's catalogue, 站群导航): a page taken
down must never be served from a cache. Front proxies are purged separately by
``wagtail.contrib.frontend_cache`` (WAGTAILFRONTENDCACHE, see settings).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

from core.cache import Scope, generation, token_key

CACHEABLE_ATTRIBUTE = "_cacheable_public_page"
# Proxies may keep a page briefly (purged on change); browsers revalidate.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=300"
STORED_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary")


def mark_cacheable(request: HttpRequest) -> None:
    """Called for a public page about to be served to an anonymous reader."""
    setattr(request, CACHEABLE_ATTRIBUTE, True)


def _cache_key(request: HttpRequest) -> str | None:
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None  # editors and previews always see the live database
    if request.path.startswith(settings.PAGE_CACHE_EXEMPT_PREFIXES):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    variant = "elderly" if request.COOKIES.get("elderly") == "1" else "standard"
    digest = hashlib.sha256(f"{host}|{request.get_full_path()}|{variant}".encode()).hexdigest()
    return f"pagecache:{digest}"


def _lookup(key: str) -> tuple[str, tuple | None]:
    """(current generation, stored entry if it belongs to that generation): one cache round trip.

    The entry records the generation it was rendered under instead of having it
    in its key, so the generation and the entry come back together (MGET); an
    entry of an older generation is a miss and is overwritten by the new render.
    """
    found = cache.get_many([token_key(Scope.PAGES), key])
    token = found.get(token_key(Scope.PAGES))
    if token is None:  # never set, or evicted: a fresh token, so every entry misses
        return generation(Scope.PAGES), None
    stored = found.get(key)
    if stored is not None and stored[0] == token:
        return token, stored
    return token, None


class AnonymousPageCacheMiddleware:
    """Must come first: a hit is answered before any middleware touches the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _cache_key(request)
        if key is None:
            return self.get_response(request)
        generation, stored = _lookup(key)
        if stored is not None:
            _, content, headers = stored
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(request, CACHEABLE_ATTRIBUTE, False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
            response["Vary"] = "Cookie"
            headers = {name: response[name] for name in STORED_HEADERS if name in response}
            # Stored under the generation read before rendering: a change made
            # meanwhile bumped it, so this render is never served as current.
            cache.set(key, (generation, response.content, headers), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
