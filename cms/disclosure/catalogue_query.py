"""The catalogue's query: what a reader asked for, which items that selects, and the
cached counts and totals. The catalogue page, the JSON endpoint and the exports all
use it, so filters and sorting mean the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.utils import timezone

from cms.content.models import ArticlePage
from cms.content.visibility import publicly_listed
from core.cache import Scope, generation
from sites.models import Organisation, SiteType
from sites.site_facts import unlisted_site_paths

from .metadata import Genre, Validity
from .models import InterpretationPage, Topic

# sort key → (label, model field)
SORTS = {
    "published": ("发布日期", "publication_date"),
    "formed": ("成文日期", "date_formed"),
    "index": ("索引号", "index_number__value"),
    "title": ("标题", "title"),
    "number": ("发文字号", "document_number"),
}
DEFAULT_SORT = "published"
MAX_PAGE_SIZE = 100
# Deep OFFSET paging costs grow with the offset; past this many pages readers
# narrow the filters (exports and the JSON endpoint's filters reach everything).
MAX_PAGES = 100
# Counts are retired by every change to a catalogue item (Scope.CATALOGUE, see
# handlers.py); the lifetime only bounds what an unnoticed change could leave.
FACET_CACHE_SECONDS = 300


def positive_int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 10**9 else None


@dataclass(frozen=True)
class CatalogueFilters:
    """What a reader asked for; anything malformed is simply ignored."""

    topic: int | None = None
    organisation: int | None = None
    genre: str | None = None
    year: int | None = None
    validity: str | None = None
    sort: str = DEFAULT_SORT
    ascending: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, params) -> CatalogueFilters:
        sort = params.get("sort", DEFAULT_SORT)
        year = positive_int(params.get("year"))
        return cls(
            topic=positive_int(params.get("topic")),
            organisation=positive_int(params.get("org")),
            genre=params.get("genre") if params.get("genre") in Genre.values else None,
            year=year if year and 1949 <= year <= 2100 else None,
            validity=params.get("validity") if params.get("validity") in Validity.values else None,
            sort=sort if sort in SORTS else DEFAULT_SORT,
            ascending=params.get("order") == "asc",
            page=positive_int(params.get("page")) or 1,
        )

    def as_params(self, **changes) -> dict[str, str]:
        """Query parameters for these filters with ``changes`` applied (None removes)."""
        merged = replace(self, **{k: v for k, v in changes.items() if k != "page"})
        params = {
            "topic": merged.topic,
            "org": merged.organisation,
            "genre": merged.genre,
            "year": merged.year,
            "validity": merged.validity,
            "sort": merged.sort if merged.sort != DEFAULT_SORT else None,
            "order": "asc" if merged.ascending else None,
            "page": changes.get("page"),
        }
        return {k: str(v) for k, v in params.items() if v is not None}

    def url(self, **changes) -> str:
        return "?" + urlencode(self.as_params(**changes))


def scope_organisation(request: HttpRequest) -> Organisation | None:
    """None (every organisation) on the portal; a subsite's own organisation otherwise.

    Uses the profile SiteStatusMiddleware already loaded: no query.
    """
    profile = getattr(request, "site_profile", None)
    if profile is None or profile.site_type == SiteType.PORTAL:
        return None
    return profile.organisation


def catalogue_items(organisation: Organisation | None) -> QuerySet[ArticlePage]:
    """Every catalogue item the public may find, of any article type, in scope."""
    # Every published catalogue item has an index number; saying so makes the join
    # an inner one, so PostgreSQL can walk the 索引号 index when sorting by it.
    items = publicly_listed(ArticlePage.objects.all()).filter(in_catalogue=True, index_number__isnull=False)
    if organisation:
        return items.filter(issuing_organisation=organisation)
    # The portal's catalogue spans the cluster: not the items of a site the public cannot open.
    for path in unlisted_site_paths():
        items = items.exclude(path__startswith=path)
    return items


def filtered(items: QuerySet[ArticlePage], filters: CatalogueFilters) -> QuerySet[ArticlePage]:
    if filters.topic:
        items = items.filter(Q(topic_id=filters.topic) | Q(topic__parent_id=filters.topic))
    if filters.organisation:
        items = items.filter(issuing_organisation_id=filters.organisation)
    if filters.genre:
        items = items.filter(genre=filters.genre)
    if filters.validity:
        items = items.filter(validity=filters.validity)
    if filters.year:
        tz = timezone.get_current_timezone()
        items = items.filter(
            publication_date__gte=datetime(filters.year, 1, 1, tzinfo=tz),
            publication_date__lt=datetime(filters.year + 1, 1, 1, tzinfo=tz),
        )
    field = SORTS[filters.sort][1]
    return items.order_by(field if filters.ascending else f"-{field}", "-pk")


def listing(items: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """The columns the list shows, in one query."""
    listed_interpretations = publicly_listed(InterpretationPage.objects.all())
    has_interpretation = Exists(
        InterpretationPage.interprets.through.objects.filter(
            policydocumentpage_id=OuterRef("pk"), interpretationpage__in=listed_interpretations
        )
    )
    return (
        items.select_related("index_number", "issuing_organisation", "topic__parent")
        .annotate(has_interpretation=has_interpretation)
        .only(
            "title",
            "url_path",
            "path",
            "depth",
            "publication_date",
            "date_formed",
            "document_number",
            "genre",
            "validity",
            "index_number__value",
            "issuing_organisation__name",
            "topic__name",
            "topic__parent__name",
            "subject_terms",
            "validity_changed_on",
            "disclosure_mode",
            "disclosure_term",
            "summary",
        )
    )


def facets(organisation: Organisation | None) -> dict[str, list[dict]]:
    """Counts for the navigation tree (topic / organisation / genre / year), cached."""
    key = cache_key("facets", organisation)
    result = cache.get(key)
    if result is None:
        result = _count_facets(catalogue_items(organisation))
        cache.set(key, result, FACET_CACHE_SECONDS)
    return result


def _count_facets(items: QuerySet[ArticlePage]) -> dict[str, list[dict]]:
    by_topic = dict(items.values_list("topic_id").annotate(n=Count("pk")).order_by())
    topics = []
    for top in Topic.objects.filter(parent=None).prefetch_related("children"):
        children = [{"id": c.pk, "label": c.name, "count": by_topic.get(c.pk, 0)} for c in top.children.all()]
        total = by_topic.get(top.pk, 0) + sum(c["count"] for c in children)
        topics.append({"id": top.pk, "label": top.name, "count": total, "children": children})
    organisations = [
        {"id": pk, "label": name, "count": n}
        for pk, name, n in items.values_list("issuing_organisation_id", "issuing_organisation__name")
        .annotate(n=Count("pk"))
        .order_by("issuing_organisation__name")
    ]
    genres = [
        {"id": genre, "label": genre, "count": n}
        for genre, n in items.exclude(genre="").values_list("genre").annotate(n=Count("pk")).order_by("genre")
    ]
    years = [
        {"id": year, "label": f"{year}年", "count": n}
        for year, n in items.annotate(y=ExtractYear("publication_date"))
        .values_list("y")
        .annotate(n=Count("pk"))
        .order_by("-y")
    ]
    return {"topics": topics, "organisations": organisations, "genres": genres, "years": years}


class CountedPaginator(Paginator):
    """A paginator told its total instead of running COUNT(*)."""

    def __init__(self, object_list, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def results_page(
    request: HttpRequest, filters: CatalogueFilters, page_size: int
) -> tuple[PaginatorPage, Organisation | None, int]:
    """One page of the catalogue as the reader asked, the scope it was drawn from, and the total.

    The total is cached per scope and filter set until a catalogue item changes
    (a COUNT(*) over 100,000 live items joins two whole tables), and the page
    number is capped: beyond MAX_PAGES readers are asked to narrow the filters.
    """
    organisation = scope_organisation(request)
    items = filtered(catalogue_items(organisation), filters)
    key = cache_key("count", organisation, urlencode(filters.as_params(sort=DEFAULT_SORT, ascending=False)))
    total = cache.get(key)
    if total is None:
        total = items.count()
        cache.set(key, total, FACET_CACHE_SECONDS)
    paginator = CountedPaginator(listing(items), page_size, min(total, page_size * MAX_PAGES))
    return paginator.get_page(filters.page), organisation, total


def cache_key(kind: str, organisation: Organisation | None, extra: str = "") -> str:
    """Where counts of ``kind`` are cached; a new key after every change to a catalogue item
    (and, for the cluster-wide counts, to a site's status: ``unlisted_site_paths``)."""
    token = generation(Scope.CATALOGUE)
    if organisation is None:
        token += f"-{generation(Scope.SITE_FACTS)}"
    return f"disclosure:{kind}:{organisation.pk if organisation else 'all'}:{token}:{extra}"
