"""Anonymous page responses cached per site, served without touching the database.

Any change that can alter a public page anywhere — a publish, unpublish, move or
delete, a site closed or reopened, its appearance edited — retires the
cluster-wide ``core.cache`` scope ``Scope.PAGES`` (``sites.handlers``), and so
every cached page at once. Cluster-wide because
pages show other sites' content (the portal's catalogue, 站群导航): a page taken
down must never be served from a cache. Front proxies are purged separately by
``wagtail.contrib.frontend_cache`` (WAGTAILFRONTENDCACHE, see settings).

Query strings: a page names the parameters it reads when it marks itself cacheable
(``mark_cacheable(request, reads=…)``: a column reads ``page``, the catalogue its
filters, search its own). The entry is keyed on those only, sorted, so ``?junk=1``,
``?utm_source=…`` and a reordered query share the page's entry instead of each making
one; the parameters a path reads are remembered beside its entries so a lookup can
key the same way. Each path keeps at most ``PAGE_CACHE_MAX_VARIANTS`` parameterised
entries per generation: past that a variant is served but not stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from core.cache import Scope, generation, token_key

CACHEABLE_ATTRIBUTE = "_cacheable_public_page"
# Proxies may keep a page briefly (purged on change); browsers revalidate.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=300"
STORED_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary")


def mark_cacheable(request: HttpRequest, reads: Iterable[str] = ()) -> None:
    """Called for a public page about to be served to an anonymous reader.

    ``reads``: the query parameters its content depends on; any other is ignored."""
    setattr(request, CACHEABLE_ATTRIBUTE, frozenset(reads))


def mark_uncacheable(request: HttpRequest) -> None:
    """For a response that must never be stored, though its page was marked cacheable before
    serving (``before_serve_page``): a form carrying a CSRF token, a look-up, a download."""
    if hasattr(request, CACHEABLE_ATTRIBUTE):
        delattr(request, CACHEABLE_ATTRIBUTE)


def no_store(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """``response`` kept by no cache, ours (``mark_uncacheable``) or any other (``Cache-Control: no-store``)."""
    mark_uncacheable(request)
    add_never_cache_headers(response)
    return response


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _base(request: HttpRequest) -> str | None:
    """Site, path and reading mode of a request whose answer may be cached, else None."""
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
    return f"{host}|{request.path}|{variant}"


def _entry_key(base: str, request: HttpRequest, reads: frozenset[str]) -> str:
    """The entry's key: the base and the read parameters only, sorted by name."""
    query = urlencode(sorted((name, values) for name, values in request.GET.lists() if name in reads), doseq=True)
    return f"pagecache:{_digest(f'{base}?{query}')}"


def _reads_key(base: str) -> str:
    return f"pagecache:reads:{_digest(base)}"


def _current(found: dict, key: str, token: str):
    stored = found.get(key)
    return stored if stored is not None and stored[0] == token else None


def _lookup(request: HttpRequest, base: str) -> tuple[str, tuple | None]:
    """(current generation, stored entry if it belongs to that generation).

    One cache round trip (MGET) for a URL without a query string, two with one (the
    parameters the path reads, then the entry). Entries and the remembered
    parameters record the generation they were made under instead of having it in
    their key; one of an older generation is a miss and is overwritten.
    """
    # Without a query string the entry's key is known at once; with one, the path's parameters first.
    second_key = _reads_key(base) if request.GET else _entry_key(base, request, frozenset())
    found = cache.get_many([token_key(Scope.PAGES), second_key])
    token = found.get(token_key(Scope.PAGES))
    if token is None:  # never set, or evicted: a fresh token, so every entry misses
        return generation(Scope.PAGES), None
    if not request.GET:
        return token, _current(found, second_key, token)
    reads = _current(found, second_key, token)
    if reads is None:  # this path not rendered yet in this generation: its parameters are unknown
        return token, None
    key = _entry_key(base, request, reads[1])
    return token, _current(cache.get_many([key]), key, token)


def _may_store_variant(base: str, token: str) -> bool:
    """Whether another parameterised entry of this path fits under the cap (counted per generation)."""
    counter = f"pagecache:variants:{_digest(base)}:{token}"
    cache.add(counter, 0, settings.PAGE_CACHE_SECONDS)
    return cache.incr(counter) <= settings.PAGE_CACHE_MAX_VARIANTS


class AnonymousPageCacheMiddleware:
    """Must come first: a hit is answered before any middleware touches the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        base = _base(request)
        if base is None:
            return self.get_response(request)
        generation, stored = _lookup(request, base)
        if stored is not None:
            _, content, headers = stored
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        reads = getattr(request, CACHEABLE_ATTRIBUTE, None)
        if reads is None or response.status_code != 200 or response.cookies or response.streaming:
            return response
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        response["Vary"] = "Cookie"
        response["X-Page-Cache"] = "miss"
        if any(name in reads for name in request.GET) and not _may_store_variant(base, generation):
            return response
        headers = {name: response[name] for name in STORED_HEADERS if name in response}
        # Stored under the generation read before rendering: a change made
        # meanwhile bumped it, so this render is never served as current.
        cache.set_many(
            {
                _entry_key(base, request, reads): (generation, response.content, headers),
                _reads_key(base): (generation, reads),
            },
            settings.PAGE_CACHE_SECONDS,
        )
        return response
