"""Generation tokens: retire a whole family of cache entries by changing one key.

Entries are stored under a key that includes the family's current token; bumping
sets a fresh token, so every older entry is simply never read again (and expires).
Tokens are unique, not counters: if the token key itself is evicted, the new one
cannot coincide with a token that older, still-cached entries were stored under.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache


def _new_token() -> str:
    return uuid.uuid4().hex


def current(key: str) -> str:
    return cache.get_or_set(key, _new_token, None)


def bump(key: str) -> None:
    cache.set(key, _new_token(), None)
