"""What the catalogue page shows: the list with its sortable columns, the navigation
tree with links that select, the active filters with links that remove them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest

from .catalogue_query import CatalogueFilters, facets, results_page
from .metadata import Validity

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
EXPORT_KINDS = ("csv", "xlsx")


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
        "export_urls": {kind: _with_param(filters, "export", kind) for kind in EXPORT_KINDS},
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
