"""Open data: the catalogue as read-only JSON, with the catalogue page's filters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from wagtail.models import Site

from .catalogue import (
    MAX_PAGE_SIZE,
    CatalogueFilters,
    _int,
    as_record,
    catalogue_items,
    filtered,
    listing,
    scope_organisation,
)


@require_GET
def catalogue_api(request: HttpRequest) -> JsonResponse:
    """GET /api/catalogue/?topic=&org=&genre=&year=&validity=&sort=&order=&page=&page_size=

    The portal answers for every organisation, a subsite for its own (as its
    catalogue page does). Malformed parameters are ignored, never an error.
    """
    site = Site.find_for_request(request)
    filters = CatalogueFilters.from_query(request.GET)
    page_size = min(_int(request.GET.get("page_size")) or 20, MAX_PAGE_SIZE)
    paginator = Paginator(listing(filtered(catalogue_items(scope_organisation(site)), filters)), page_size)
    page = paginator.get_page(filters.page)
    response = JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "page_size": page_size,
            "results": [as_record(item, request) for item in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
