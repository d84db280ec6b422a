"""The beacon every public page posts to after load: /api/views/<page id>/.

``BeaconMiddleware`` answers it near the top of the middleware stack, before the page
cache, sessions, CSRF, authentication, site status and redirects: the beacon reads none
of them (the page's site comes from the page, not from the request's host), and passing
them cost two thirds of its time (docs/benchmarks.md, 访问统计). The URL pattern names the
same answer for ``{% url 'view_beacon' %}`` and for a stack without the middleware."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from core.http import MAX_ID

from . import counting

# The path of the pattern in urls.py (``api/views/<id:page_id>/``), as the middleware matches it.
BEACON_PATH = re.compile(r"^/api/views/(?P<page_id>[0-9]{1,19})/$")
METHODS = ("GET", "POST")  # HEAD and the rest: 405, never counted


def beacon(request: HttpRequest, page_id: int) -> HttpResponse:
    """POST counts one view of the page (site, column, page; 浏览次数 for an article) and
    answers ``{"page", "count"}`` (``count`` for articles only); GET only reads.

    404 unless the page is live in a site open to the public: drafts, unknown ids and the
    pages of a site in preparation, closed or under maintenance never get a counter."""
    if request.method not in METHODS:
        response: HttpResponse = HttpResponseNotAllowed(METHODS)
    elif page_id > MAX_ID or (facts := counting.page_facts(page_id)) is None:
        response = JsonResponse({"page": page_id, "detail": "没有这个页面。"}, status=404)
    else:
        count = counting.record_request(request, facts) if counting.is_counted(request) else None
        answer: dict[str, int] = {"page": page_id}
        if facts.is_article:
            answer["count"] = count if count is not None else counting.current_count(facts)
        response = JsonResponse(answer)
    add_never_cache_headers(response)
    return response


@csrf_exempt  # an anonymous beacon from a cached page: there is no session or token to protect
def view_beacon(request: HttpRequest, page_id: int) -> HttpResponse:
    return beacon(request, page_id)


class BeaconMiddleware:
    """Answers the beacon before the rest of the stack (settings: right after the security headers)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = BEACON_PATH.match(request.path_info)
        if match is None:
            return self.get_response(request)
        return beacon(request, int(match["page_id"]))
