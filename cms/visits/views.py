"""The beacon every public page posts to after load: /api/views/<page id>/."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import counting


@csrf_exempt  # an anonymous beacon from a cached page: there is no session or token to protect
@never_cache
@require_http_methods(["GET", "POST"])  # HEAD and the rest: 405, never counted
def view_beacon(request: HttpRequest, page_id: int) -> JsonResponse:
    """POST counts one view of the page (site, column, page; 浏览次数 for an article) and
    answers ``{"page", "count"}`` (``count`` for articles only); GET only reads.

    404 unless the page is live in a site: drafts and unknown ids never get a counter."""
    facts = counting.page_facts(page_id)
    if facts is None:
        raise Http404("没有这个页面。")
    count = counting.record_request(request, facts) if counting.is_counted(request) else None
    answer: dict[str, int] = {"page": page_id}
    if facts.is_article:
        answer["count"] = count if count is not None else counting.current_count(facts)
    return JsonResponse(answer)
