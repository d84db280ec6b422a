"""The health check a front proxy probes (deploy/varnish/default.vcl): is this app server able to
answer pages — its database and its cache reachable? A GET with an empty body, so the probe
every 2 s costs one trivial query and one cache read, renders nothing and sets no cookie."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.get("health-check")
    except Exception:  # any failure means: do not send readers here
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
