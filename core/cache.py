"""The one cache-invalidation API: named scopes of cached entries that a change retires.

Each scope has a generation token. Entries of a scope are stored under (or record)
the scope's current token; ``invalidate`` sets a fresh token, so every older entry
is simply never read again and expires. Tokens are unique, not counters: if a
token key is evicted, the new token cannot coincide with one that older,
still-cached entries were stored under.

Every handler that retires cached data calls ``invalidate`` (or
``invalidate_after_commit`` inside a transaction) with the scopes a change
touches; no module keeps generation keys of its own.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction


class Scope(StrEnum):
    PAGES = "pages"  # anonymous rendered pages (sites.page_cache)
    SITE_FACTS = "site-facts"  # per-hostname Site, SiteProfile and home page (sites.site_facts)
    VIEW_RESTRICTIONS = "view-restrictions"  # Wagtail page view restrictions (cms.content.serving)
    CATALOGUE = "catalogue"  # catalogue facet counts (cms.disclosure)
    TAKEDOWNS = "takedowns"  # the set of withdrawn page ids (cms.syndication)
    CLUSTER_WORDS = "cluster-words"  # organisation and site names search learns (search)
    WORD_LISTS = "word-lists"  # the content check's compiled word matcher (cms.workflow.checks)
    WORKING_DAYS = "working-days"  # the holiday calendar's override rows (cms.disclosure.working_days)
    REPLY_DEADLINES = "reply-deadlines"  # the letters' configured reply periods (cms.letters.deadlines)


T = TypeVar("T")


def token_key(scope: Scope) -> str:
    """The cache key holding a scope's token, for readers that fetch it with their entry in one round trip."""
    return f"generation:{scope}"


def _new_token() -> str:
    return uuid.uuid4().hex


def generation(scope: Scope) -> str:
    """The scope's current token (made on first use)."""
    return cache.get_or_set(token_key(scope), _new_token, None)


def invalidate(*scopes: Scope) -> None:
    """Retire every cached entry of these scopes, now."""
    cache.set_many({token_key(scope): _new_token() for scope in scopes}, None)


def invalidate_after_commit(*scopes: Scope) -> None:
    """Retire these scopes now and again once the current transaction commits.

    Now, so the rest of this transaction (and a test's, which never commits) reads the
    change; again after commit, because a reader in another process between the write
    and the commit cached the old rows under the new token."""
    invalidate(*scopes)
    transaction.on_commit(lambda: invalidate(*scopes))


def held_per_process(scope: Scope) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Decorate a loader without arguments: each process keeps what it returned until ``scope``
    is invalidated, so a call costs one cache GET (the token) instead of the loader's queries.
    For small tables read on hot paths; the value is shared, callers must not change it. The
    writer calls ``invalidate_after_commit(scope)`` (a reader in between reloads once more)."""

    def decorator(load: Callable[[], T]) -> Callable[[], T]:
        held: tuple[str, T] | None = None

        @functools.wraps(load)
        def cached() -> T:
            nonlocal held
            token = generation(scope)
            if held is None or held[0] != token:
                held = (token, load())  # one assignment: a concurrent thread sees the old pair or the new
            return held[1]

        return cached

    return decorator
