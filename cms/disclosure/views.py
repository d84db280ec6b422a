"""Open data: the catalogue as read-only JSON, with the catalogue page's filters."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .catalogue_export import as_record
from .catalogue_query import MAX_PAGE_SIZE, CatalogueFilters, positive_int, results_page


@require_GET
def catalogue_api(request: HttpRequest) -> JsonResponse:
    """GET /api/catalogue/?topic=&org=&genre=&year=&validity=&sort=&order=&page=&page_size=

    The portal answers for every organisation, a subsite for its own (as its
    catalogue page does). Malformed parameters are ignored, never an error.
    """
    filters = CatalogueFilters.from_query(request.GET)
    page_size = min(positive_int(request.GET.get("page_size")) or 20, MAX_PAGE_SIZE)
    page, _, total = results_page(request, filters, page_size)
    response = JsonResponse(
        {
            "count": total,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "page_size": page_size,
            "results": [as_record(item, request) for item in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
