"""Anonymous page responses cached per site, served without touching the database,
and retired by what they show.

**Tags.** Each cached page records what it shows as tags (``depends_on``), and a change
retires exactly the tags it touches (``retire_after_commit``): the pages carrying them, in
this cache and at the front proxies (the same tags go out in the ``xkey`` response header,
``sites.front_proxy``). The vocabulary of the cluster's structure lives here:

- ``page:<id>``: the page itself (and the routes below it); retired by its publish,
  unpublish, move or delete;
- ``below:<path>``: a page listing what is beneath the page at ``path`` (a column, a home
  page, a mailbox); retired by any change beneath it;
- ``site:<root path>``: every page of the site (its menu, breadcrumbs, appearance); retired
  by a change to a menu column or a column with children, and by the site's appearance;
- ``all``: every page; retired by what every page may show (sites, organisations, view
  restrictions).

Editorial apps add their own (``catalogue``, ``search``, ``consultations``) the same way.
``below`` and ``site`` tags name pages by tree path, so a change computes its tags without a
query; a move changes paths and so retires the ``site`` tags of both sites.

**Versions.** A tag's version is the value of one cluster clock (an incrementing counter)
when it was last retired. An entry records the clock read *before* its page was rendered
and the tags the render declared; it is current while none of its tags was retired since
(version ≤ that clock). A change made during the render retires a tag after the clock was
read, so that render is never served as current. A tag with no version yet gets the
rendering's clock; a lost clock restarts from the current time in microseconds, above any
value counted before. ``all`` is the ``core.cache`` scope ``Scope.PAGES``: its generation is
part of every entry.

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
import time
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from core.cache import Scope, generation, invalidate, token_key

from . import front_proxy

CACHEABLE_ATTRIBUTE = "_cacheable_public_page"
TAGS_ATTRIBUTE = "_page_cache_tags"
# Proxies may keep a page briefly (purged on change); browsers revalidate.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=300"
STORED_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary")
TAGS_HEADER = "xkey"  # what Varnish's xkey vmod indexes objects by (deploy/varnish)
CLOCK_KEY = "pagecache:clock"
ALL = "all"
PATH_STEP = 4  # treebeard's steplen: a page's ancestors' paths are the prefixes of its own
ROOT_PATH_LENGTH = 2 * PATH_STEP  # a site's home page sits at depth 2


def page_tag(page_id: int) -> str:
    return f"page:{page_id}"


def below_tag(path: str) -> str:
    return f"below:{path}"


def site_tag(root_path: str) -> str:
    return f"site:{root_path[:ROOT_PATH_LENGTH]}"


def below_chain(path: str) -> set[str]:
    """The ``below`` tags a change at ``path`` retires: the page there and each ancestor down from the site's home."""
    return {below_tag(path[:end]) for end in range(ROOT_PATH_LENGTH, len(path) + 1, PATH_STEP)}


MENU_DEPTH = 3  # the top-level columns, which the site's menu lists


def change_tags(page) -> set[str]:
    """What a publish, unpublish or delete of ``page`` retires: the page, the lists above it and,
    for a menu column or a page with children (whose title menus and breadcrumbs show), its site."""
    tags = {page_tag(page.pk)}
    if len(page.path) > ROOT_PATH_LENGTH:
        tags |= below_chain(page.path[:-PATH_STEP])
    if page.depth <= MENU_DEPTH or page.numchild:
        tags.add(site_tag(page.path))
    return tags


def served_page_tags(page) -> set[str]:
    """What a served page shows by default: itself, its site, and what is beneath it. A page type
    that lists other pages names them in ``cache_tags()`` instead of the last."""
    own = getattr(page, "cache_tags", None)
    return {page_tag(page.pk), site_tag(page.path), *(own() if own else (below_tag(page.path),))}


def mark_cacheable(request: HttpRequest, reads: Iterable[str] = (), tags: Iterable[str] = ()) -> None:
    """Called for a public page about to be served to an anonymous reader.

    ``reads``: the query parameters its content depends on; any other is ignored.
    ``tags``: what it shows, as far as known now; renders add more with ``depends_on``."""
    setattr(request, CACHEABLE_ATTRIBUTE, frozenset(reads))
    depends_on(request, *tags)


def depends_on(request: HttpRequest | None, *tags: str) -> None:
    """Record that the response being rendered shows what ``tags`` name (a no-op without a request)."""
    if request is None:
        return
    found = getattr(request, TAGS_ATTRIBUTE, None)
    if found is None:
        found = set()
        setattr(request, TAGS_ATTRIBUTE, found)
    found.update(tags)


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


def _tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def _restart_clock() -> int:
    # Microseconds since the epoch: above any count an earlier clock reached (it counts retirements).
    cache.add(CLOCK_KEY, time.time_ns() // 1000, None)
    return cache.get(CLOCK_KEY)


def _tick() -> int:
    try:
        return cache.incr(CLOCK_KEY)
    except ValueError:  # never set, or evicted
        _restart_clock()
        return cache.incr(CLOCK_KEY)


def retire(*tags: str) -> None:
    """Retire every cached page carrying one of ``tags``, now."""
    tags = set(tags)
    if not tags:
        return
    if ALL in tags:
        invalidate(Scope.PAGES)
        tags.discard(ALL)
    if tags:
        version = _tick()
        cache.set_many({_tag_key(tag): version for tag in tags}, None)


def retire_after_commit(*tags: str) -> None:
    """Retire ``tags`` now and again once the current transaction commits.

    Now, so the rest of this transaction (and a test's, which never commits) reads the
    change; again after commit, because a reader in another process between the write
    and the commit rendered the old rows after the first retirement."""
    tags = frozenset(tags)
    if tags:
        retire(*tags)
        transaction.on_commit(lambda: retire(*tags))
        front_proxy.purge(tags=tags)  # the proxies' copies carry the same tags (``xkey``), sent after commit


class _RetireOnChange:
    """The receiver of ``retire_on_change``: held in ``_receivers`` (signals keep weak references)."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def __call__(self, sender, instance, **kwargs) -> None:
        retire_after_commit(self.tag)


_receivers: list[_RetireOnChange] = []


def retire_on_change(tag: str, models: Iterable[type], uid: str) -> None:
    """Retire ``tag`` whenever a page of ``models`` is published, unpublished, moved or deleted:
    for a list on another site that shows them (the portal's cluster-wide lists), which the
    page's own tags do not reach. Connected once, from an app's ``ready``."""
    from django.db.models.signals import post_delete
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from core.signals import connect_for_page_models

    receiver = _RetireOnChange(tag)
    _receivers.append(receiver)
    models = list(models)
    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished"), (post_page_move, "moved")):
        connect_for_page_models(signal, receiver, f"{uid}.{name}", models=models)
    for model in models:
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.deleted.{model._meta.label_lower}")


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


def _of_generation(found: dict, key: str, token: str):
    stored = found.get(key)
    return stored if stored is not None and stored[0] == token else None


def _still_current(entry: tuple) -> bool:
    """No tag of the entry retired since the clock it was rendered after (a tag without a version: unknown, a miss)."""
    _, rendered_after, tags, _, _ = entry
    versions = cache.get_many([_tag_key(tag) for tag in tags])
    return len(versions) == len(tags) and all(version <= rendered_after for version in versions.values())


def _lookup(request: HttpRequest, base: str) -> tuple[str, int, tuple | None]:
    """(current generation, the clock now, the stored entry if it is current).

    Two cache round trips (MGET) for a hit on a URL without a query string, three with one
    (the parameters the path reads, then the entry): the generation, the clock and the entry
    (or the path's parameters), then the versions of the entry's tags. Entries of an older
    generation, or with a tag retired since they were rendered, are a miss and are overwritten.
    """
    # Without a query string the entry's key is known at once; with one, the path's parameters first.
    second_key = _reads_key(base) if request.GET else _entry_key(base, request, frozenset())
    found = cache.get_many([token_key(Scope.PAGES), CLOCK_KEY, second_key])
    token, clock = found.get(token_key(Scope.PAGES)), found.get(CLOCK_KEY)
    if clock is None:
        clock = _restart_clock()
    if token is None:  # never set, or evicted: a fresh token, so every entry misses
        return generation(Scope.PAGES), clock, None
    if request.GET:
        reads = _of_generation(found, second_key, token)
        if reads is None:  # this path not rendered yet in this generation: its parameters are unknown
            return token, clock, None
        key = _entry_key(base, request, reads[1])
        entry = _of_generation(cache.get_many([key]), key, token)
    else:
        entry = _of_generation(found, second_key, token)
    return token, clock, entry if entry is not None and _still_current(entry) else None


def _may_store_variant(base: str, token: str) -> bool:
    """Whether another parameterised entry of this path fits under the cap (counted per generation)."""
    counter = f"pagecache:variants:{_digest(base)}:{token}"
    cache.add(counter, 0, settings.PAGE_CACHE_SECONDS)
    return cache.incr(counter) <= settings.PAGE_CACHE_MAX_VARIANTS


def _give_versions(tags: tuple[str, ...], clock: int) -> None:
    """A tag never retired (or whose version was lost) starts at the clock of the render that first carries it."""
    keys = [_tag_key(tag) for tag in tags]
    for key in set(keys) - set(cache.get_many(keys)):
        cache.add(key, clock, None)


class AnonymousPageCacheMiddleware:
    """Must come first: a hit is answered before any middleware touches the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        base = _base(request)
        if base is None:
            return self.get_response(request)
        generation, clock, stored = _lookup(request, base)
        if stored is not None:
            *_, content, headers = stored
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        reads = getattr(request, CACHEABLE_ATTRIBUTE, None)
        if reads is None or response.status_code != 200 or response.cookies or response.streaming:
            return response
        tags = tuple(sorted(getattr(request, TAGS_ATTRIBUTE, set()) - {ALL}))
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        response["Vary"] = "Cookie"
        response[TAGS_HEADER] = " ".join((ALL, *tags))
        response["X-Page-Cache"] = "miss"
        if any(name in reads for name in request.GET) and not _may_store_variant(base, generation):
            return response
        _give_versions(tags, clock)
        headers = {name: response[name] for name in (*STORED_HEADERS, TAGS_HEADER) if name in response}
        # Stored with the generation and the clock read before rendering: a change made
        # meanwhile moved them on, so this render is never served as current.
        cache.set_many(
            {
                _entry_key(base, request, reads): (generation, clock, tags, response.content, headers),
                _reads_key(base): (generation, reads),
            },
            settings.PAGE_CACHE_SECONDS,
        )
        return response
