"""The public catalogue: one query object shared by the catalogue page, the
JSON endpoint and the exports, so filters and sorting mean the same everywhere."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from cms import cache_generation
from cms.content.models import ArticlePage
from cms.syndication.selectors import exclude_taken_down
from core.cache import Scope, token_key
from sites.models import Organisation, SiteType

from .metadata import DisclosureMode, DisclosureTerm, Genre, Validity
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
FACET_CACHE_SECONDS = 300
GENERATION_KEY = token_key(Scope.CATALOGUE)  # until this module moves onto core.cache


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
    """Every live catalogue item, of any article type, in scope."""
    # Every published catalogue item has an index number; saying so makes the join
    # an inner one, so PostgreSQL can walk the 索引号 index when sorting by it.
    items = exclude_taken_down(ArticlePage.objects.live()).filter(in_catalogue=True, index_number__isnull=False)
    return items.filter(issuing_organisation=organisation) if organisation else items


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
    has_interpretation = Exists(
        InterpretationPage.interprets.through.objects.filter(
            policydocumentpage_id=OuterRef("pk"), interpretationpage__live=True
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


def bump_generation() -> None:
    """Retire cached counts and totals: call whenever a catalogue item changes."""
    cache_generation.bump(GENERATION_KEY)


def facets(organisation: Organisation | None) -> dict[str, list[dict]]:
    """Counts for the navigation tree (topic / organisation / genre / year), cached."""
    key = _cache_key("facets", organisation)
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


# The list's columns in display order, with the sort key of the sortable ones.
LIST_COLUMNS = [
    ("索引号", "index"),
    ("标题", "title"),
    ("发文字号", "number"),
    ("发布机构", None),
    ("成文日期", "formed"),
    ("发布日期", "published"),
]
FACET_FILTER = {"topics": "topic", "organisations": "organisation", "genres": "genre", "years": "year"}


class CountedPaginator(Paginator):
    """A paginator told its total instead of running COUNT(*)."""

    def __init__(self, object_list, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def results_page(request: HttpRequest, filters: CatalogueFilters, page_size: int):
    """One page of the catalogue as the reader asked, and the scope it was drawn from.

    The total is cached per scope and filter set until a catalogue item changes
    (a COUNT(*) over 100,000 live items joins two whole tables), and the page
    number is capped: beyond MAX_PAGES readers are asked to narrow the filters.
    """
    organisation = scope_organisation(request)
    items = filtered(catalogue_items(organisation), filters)
    key = _cache_key("count", organisation, urlencode(filters.as_params(sort=DEFAULT_SORT, ascending=False)))
    total = cache.get(key)
    if total is None:
        total = items.count()
        cache.set(key, total, FACET_CACHE_SECONDS)
    paginator = CountedPaginator(listing(items), page_size, min(total, page_size * MAX_PAGES))
    return paginator.get_page(filters.page), organisation, total


def _cache_key(kind: str, organisation: Organisation | None, extra: str = "") -> str:
    generation = cache_generation.current(GENERATION_KEY)
    return f"disclosure:{kind}:{organisation.pk if organisation else 'all'}:{generation}:{extra}"


def catalogue_context(page, request: HttpRequest) -> dict:
    filters = CatalogueFilters.from_query(request.GET)
    page_obj, organisation, total = results_page(request, filters, page.page_size)
    counts = facets(organisation)
    return {
        "filters": filters,
        "items": page_obj,
        "total": total,
        "truncated": total > page_obj.paginator.count,
        "page_urls": {
            "previous": filters.url(page=page_obj.previous_page_number()) if page_obj.has_previous() else None,
            "next": filters.url(page=page_obj.next_page_number()) if page_obj.has_next() else None,
        },
        "facets": _facet_links(counts, filters),
        "scope_organisation": organisation,
        "list_columns": [_column(label, key, filters) for label, key in LIST_COLUMNS],
        "active_filters": _active_filters(filters, counts),
        "export_urls": {kind: _with_param(filters, "export", kind) for kind in ("csv", "xlsx")},
        "api_url": "/api/catalogue/" + filters.url(),
    }


def _with_param(filters: CatalogueFilters, name: str, value: str) -> str:
    return "?" + urlencode({**filters.as_params(), name: value})


def _column(label: str, key: str | None, filters: CatalogueFilters) -> dict:
    if key is None:
        return {"label": label}
    active = filters.sort == key
    # Clicking the active column flips its order; another column starts descending.
    return {"label": label, "active": active, "url": filters.url(sort=key, ascending=active and not filters.ascending)}


def _facet_links(counts: dict[str, list[dict]], filters: CatalogueFilters) -> dict[str, list[dict]]:
    """The cached counts plus, per entry, the link that selects it and whether it is selected."""

    def link(group: str, entry: dict) -> dict:
        field = FACET_FILTER[group]
        linked = {
            **entry,
            "url": filters.url(**{field: entry["id"]}),
            "selected": getattr(filters, field) == entry["id"],
        }
        if "children" in entry:
            linked["children"] = [link(group, child) for child in entry["children"]]
        return linked

    return {group: [link(group, entry) for entry in entries if entry["count"]] for group, entries in counts.items()}


def _active_filters(filters: CatalogueFilters, counts: dict[str, list[dict]]) -> list[dict]:
    """Each active filter with a link that removes it; labels come from the cached facets."""
    labels = {
        (group, entry["id"]): entry["label"]
        for group, entries in counts.items()
        for parent in entries
        for entry in [parent, *parent.get("children", [])]
    }
    active = []
    for group, field, name in (("topics", "topic", "主题"), ("organisations", "organisation", "发布机构")):
        if value := getattr(filters, field):
            label = labels.get((group, value), str(value))
            active.append({"label": f"{name}：{label}", "remove": filters.url(**{field: None})})
    if filters.genre:
        active.append({"label": f"体裁：{filters.genre}", "remove": filters.url(genre=None)})
    if filters.year:
        active.append({"label": f"年份：{filters.year}年", "remove": filters.url(year=None)})
    if filters.validity:
        active.append({"label": f"有效性：{Validity(filters.validity).label}", "remove": filters.url(validity=None)})
    return active


# ---------------------------------------------------------------- export & open data

# Every exported column is one the importer reads back (cms/disclosure/importer.py),
# so an export is a complete, re-importable copy of the catalogue entries.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("索引号", "index_number"),
    ("标题", "title"),
    ("发文字号", "document_number"),
    ("发布机构", "organisation"),
    ("成文日期", "date_formed"),
    ("发布日期", "published"),
    ("主题分类", "topic_path"),
    ("体裁", "genre"),
    ("主题词", "subject_terms"),
    ("有效性", "validity"),
    ("有效性变更日期", "validity_changed_on"),
    ("公开方式", "disclosure_mode"),
    ("公开时限", "disclosure_term"),
    ("内容概述", "summary"),
    ("链接", "url"),
]


def as_record(item: ArticlePage, request: HttpRequest | None) -> dict:
    """One catalogue item as plain data (JSON and exports)."""
    index_number = getattr(item, "index_number", None)
    topic = item.topic if item.topic_id else None
    return {
        "index_number": index_number.value if index_number else "",
        "title": item.title,
        "document_number": item.document_number,
        "organisation": item.issuing_organisation.name if item.issuing_organisation_id else "",
        "date_formed": item.date_formed.isoformat() if item.date_formed else "",
        "published": timezone.localtime(item.publication_date).date().isoformat(),
        "topic": topic.name if topic else "",
        "topic_path": str(topic) if topic else "",  # "一级 › 二级" for a second-level topic
        "genre": item.genre,
        "subject_terms": item.subject_terms,
        "validity": Validity(item.validity).label,
        "validity_changed_on": item.validity_changed_on.isoformat() if item.validity_changed_on else "",
        "disclosure_mode": DisclosureMode(item.disclosure_mode).label,
        "disclosure_term": DisclosureTerm(item.disclosure_term).label if item.disclosure_term else "",
        "summary": item.summary,
        "has_interpretation": bool(getattr(item, "has_interpretation", False)),
        "url": item.get_full_url(request),
    }


def export_rows(request: HttpRequest):
    filters = CatalogueFilters.from_query(request.GET)
    items = listing(filtered(catalogue_items(scope_organisation(request)), filters))
    for item in items.iterator(chunk_size=2000):
        record = as_record(item, request)
        yield [record[key] for _, key in EXPORT_COLUMNS]


def export_response(page, request: HttpRequest, kind: str) -> HttpResponse:
    filename = f"catalogue-{date.today():%Y%m%d}.{kind}"
    headers = [label for label, _ in EXPORT_COLUMNS]
    if kind == "csv":
        response = StreamingHttpResponse(
            _csv_lines(headers, export_rows(request)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            _xlsx_bytes(headers, export_rows(request)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(headers, rows):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)  # BOM: Excel opens UTF-8 CSV correctly
    for row in rows:
        yield writer.writerow(row)


def _xlsx_bytes(headers, rows) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("政府信息公开目录")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
