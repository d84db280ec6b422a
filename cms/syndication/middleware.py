"""After a takedown, the old URLs of offline pages answer 410 or redirect.

Only 404 responses are looked at (one indexed query then), so serving normal
pages costs nothing. ``vanish`` stays a plain 404: it must leave no trace. Pages
still live (until the background unpublish has run) answer the same way through
``wagtail_hooks.serve_taken_down``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from wagtail.models import Site

from .models import TakedownKind, TakedownPage


class TakedownResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        site = Site.find_for_request(request)
        if site is None:
            return response
        row = (
            TakedownPage.objects.filter(active=True, site=site, path=request.path)
            .exclude(takedown__kind=TakedownKind.VANISH)
            .select_related("takedown__replacement")
            .order_by("-takedown__created_at")
            .first()
        )
        if row is None:
            return response
        return offline_response(request, row) or response


def offline_response(request: HttpRequest, row: TakedownPage) -> HttpResponse | None:
    """What the URL of a page taken down as 删除 or 跳转 answers; None for the other kinds."""
    takedown = row.takedown
    if takedown.kind == TakedownKind.REDIRECT and takedown.replacement and takedown.replacement.live:
        # Temporary: a takedown can be restored, so browsers must not remember it.
        return HttpResponseRedirect(takedown.replacement.get_url(request))
    if takedown.kind in (TakedownKind.GONE, TakedownKind.REDIRECT):
        gone = TemplateResponse(request, "syndication/gone.html", {"row": row, "takedown": takedown}, status=410)
        gone["Cache-Control"] = "no-store"
        return gone.render()
    return None
