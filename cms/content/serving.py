"""Serving public pages in a constant, small number of queries.

Two things Wagtail does per level of the page tree are done here per request:

- **Routing.** Wagtail's ``Page.route`` finds each URL segment's child (one
  query) and loads its specific page (another): four queries for an article two
  levels below the home page. ``route_below_home`` finds the whole chain of
  pages in one query, walks it in Python exactly as Wagtail would (404 for a
  missing segment, live check on the last page) and loads only the page that
  answers — or the first page on the way whose type routes by itself, which
  then takes the rest of the path. The chain is kept on the request for the
  breadcrumb (``ancestors_from_route``).
- **View restrictions.** Wagtail reads every ancestor and then the restrictions
  (two queries) before each page is served. Restrictions are rare and change
  seldom: ``ServingMixin.get_view_restrictions`` checks a cached list of
  restricted paths instead, retired (``Scope.VIEW_RESTRICTIONS``) on any change
  to a restriction, a move, a delete or a new alias (``cms.content.handlers``),
  and falls back to Wagtail's own check for aliases, whose restrictions are
  those of their source page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from wagtail.models import Page, PageViewRestriction, get_page_models

from core import wagtail_internals
from core.cache import Scope, generation

ROUTE_ATTRIBUTE = "_served_page_ancestors"
CHAIN_FIELDS = ("id", "path", "depth", "slug", "title", "url_path", "live", "content_type_id", "locale_id")
# Deeper URLs are routed by Wagtail level by level (a column tree is 2–4 deep).
MAX_CHAIN = 8


def route_below_home(home: Page, request: HttpRequest, components: list[str]):
    """Wagtail's ``Page.route`` from the home page, in two queries whatever the depth."""
    if not components or len(components) > MAX_CHAIN:
        return Page.route(home, request, components)
    wanted = Q()
    for level, slug in enumerate(components, start=1):
        wanted |= Q(depth=home.depth + level, slug=slug)
    rows = Page.objects.filter(wanted, path__startswith=home.path).only(*CHAIN_FIELDS)
    by_parent_and_slug = {(row.path[: -Page.steplen], row.slug): row for row in rows}

    parent, chain = home, []
    for index, slug in enumerate(components):
        child = by_parent_and_slug.get((parent.path, slug))
        if child is None:
            raise Http404
        chain.append(child)
        model = child.specific_class or Page
        last = index == len(components) - 1
        if last or model.route is not Page.route:
            page = _load_specific(child, model)
            wagtail_internals.set_known_parent(page, parent)  # as Wagtail's route does
            setattr(request, ROUTE_ATTRIBUTE, (page.pk, [home, *chain[:-1]]))
            return page.route(request, components[index + 1 :])
        parent = child
    raise Http404  # not reached: the last component always returns


def _load_specific(row: Page, model: type[Page]) -> Page:
    queryset = model._default_manager.all()
    related = getattr(model, "serving_select_related", ())
    if related:
        queryset = queryset.select_related(*related)
    try:
        return queryset.get(pk=row.pk)
    except model.DoesNotExist as error:
        raise Http404 from error


def ancestors_from_route(request: HttpRequest | None, page: Page) -> list[Page] | None:
    """The ancestors (home page downwards) the router found for ``page``, if it routed it."""
    routed = getattr(request, ROUTE_ATTRIBUTE, None)
    if routed is None or routed[0] != page.pk:
        return None
    return routed[1]


# View restrictions -----------------------------------------------------------------

RESTRICTIONS_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class RestrictionFacts:
    restricted: dict[int, str]  # page id → path of every page with a view restriction
    alias_parents: frozenset[str]  # paths of alias pages that may have children


def restriction_facts() -> RestrictionFacts:
    key = f"pagerestrictions:{generation(Scope.VIEW_RESTRICTIONS)}"
    facts = cache.get(key)
    if facts is None:
        restricted = dict(PageViewRestriction.objects.values_list("page_id", "page__path"))
        alias_parents: frozenset[str] = frozenset()
        if restricted:  # without any restriction, no alias can lead to one
            # Only an alias among a page's ancestors changes whose restrictions
            # apply; pages of leaf types (articles) can have no children.
            leaf_types = [model for model in get_page_models() if not model.allowed_subpage_models()]
            alias_parents = frozenset(
                Page.objects.filter(alias_of__isnull=False)
                .exclude(content_type__in=_content_types(leaf_types))
                .values_list("path", flat=True)
            )
        facts = RestrictionFacts(restricted, alias_parents)
        cache.set(key, facts, RESTRICTIONS_CACHE_SECONDS)
    return facts


def _content_types(models: list[type[Page]]) -> list[int]:
    return [content_type.pk for content_type in ContentType.objects.get_for_models(*models).values()]


class ServingMixin:
    """For every public page type: view restrictions from the cached facts."""

    def get_view_restrictions(self) -> QuerySet[PageViewRestriction]:
        if self.alias_of_id or not self.path:
            return super().get_view_restrictions()
        facts = restriction_facts()
        steplen = Page.steplen
        ancestor_paths = [self.path[:end] for end in range(steplen, len(self.path), steplen)]
        if facts.alias_parents.intersection(ancestor_paths):
            return super().get_view_restrictions()
        ids = [page_id for page_id, path in facts.restricted.items() if self.path.startswith(path)]
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(page_id__in=ids)
