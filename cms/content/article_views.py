"""The 浏览次数 beacon: counts article views outside the (cached) page view."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .counters import PageViewCount
from .models import ArticlePage

# Crawlers that run scripts would otherwise inflate counts. Headless browsers
# are deliberately not listed: our own browser tests and real kiosks use them.
BOT_USER_AGENT = re.compile(r"bot|spider|crawl|slurp|curl|wget|python-requests|httpclient|java/", re.IGNORECASE)


@csrf_exempt  # an anonymous beacon from a cached page: there is no session or token to protect
@never_cache
@require_http_methods(["GET", "POST"])
def view_count(request: HttpRequest, page_id: int) -> JsonResponse:
    """POST /api/views/<id>/ counts one view and answers the new count; GET only reads it.

    404 unless the page is a live article (any ArticlePage type): drafts,
    columns and unknown ids never get a counter row.
    """
    if not ArticlePage.objects.live().filter(pk=page_id).exists():
        raise Http404("没有这篇信息。")
    if request.method == "POST" and not BOT_USER_AGENT.search(request.headers.get("User-Agent", "")):
        count = PageViewCount.increment(page_id)
    else:
        count = PageViewCount.current(page_id)
    return JsonResponse({"page": page_id, "count": count})
