"""What the public may find: the one selector behind every public listing.

Column lists, home-page blocks, related items, menus, feeds, both site maps, the
disclosure catalogue (HTML, open data, exports) and the search index all list pages
through ``publicly_listed``, so a page is either findable everywhere or nowhere.

A page is hidden when a Wagtail view restriction (password, login, groups) is on it or
on an ancestor — or, for an alias (一键推送 places aliases), on its source, since the
alias serves the source's content under the source's restrictions (Wagtail's
``Page.get_view_restrictions``). Wagtail's ``PageQuerySet.public()`` reads the
restrictions on every call and does not follow aliases; the hidden subtrees are
cached instead, under ``Scope.VIEW_RESTRICTIONS`` (retired on every restriction
change, move, delete and new alias: ``cms.content.handlers``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Page
from wagtail.query import PageQuerySet

from cms.syndication.selectors import exclude_taken_down
from core.cache import Scope, generation

from .serving import RESTRICTIONS_CACHE_SECONDS, restriction_facts


def _within(paths: Iterable[str], field: str = "path") -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """The paths not inside another one: a subtree's root covers its descendants."""
    kept: list[str] = []
    for path in sorted(set(paths)):  # an ancestor's path sorts before its descendants'
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


def hidden_subtrees() -> tuple[str, ...]:
    """Tree paths of the subtrees the public may not see: restricted pages and aliases of pages under one."""
    key = f"content:hidden-subtrees:{generation(Scope.VIEW_RESTRICTIONS)}"
    paths = cache.get(key)
    if paths is None:
        restricted = list(restriction_facts().restricted.values())
        aliases = []
        if restricted:  # (an empty condition would match every page)
            aliases = list(Page.objects.filter(_within(restricted, "alias_of__path")).values_list("path", flat=True))
        paths = _outermost(restricted + aliases)
        cache.set(key, paths, RESTRICTIONS_CACHE_SECONDS)
    return paths


def publicly_listed(pages: PageQuerySet) -> PageQuerySet:
    """Those of ``pages`` the public may find: live, under no view restriction, not taken down."""
    hidden = hidden_subtrees()
    if hidden:
        pages = pages.exclude(_within(hidden))
    return exclude_taken_down(pages.live())
