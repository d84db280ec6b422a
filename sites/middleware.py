"""Answers for subsites that are closed (410) or under maintenance (503)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.models import Site

from core import wagtail_internals

from .models import SiteStatus
from .site_facts import facts_for_request
from .themes import DEFAULT_THEME, current_theme


def portal_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).first()


class SiteStatusMiddleware:
    """Attach the request's SiteProfile and stop requests to closed sites.

    No query when the site's facts are cached (``sites.site_facts``), one lookup
    of three otherwise, whatever the number of sites. The site is handed to
    Wagtail through its own per-request cache (``core.wagtail_internals.set_request_site``). Admin,
    static and media paths stay reachable so the info center can reopen a site.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        facts = facts_for_request(request)
        site = facts.site
        wagtail_internals.set_request_site(request, site)
        request.site_profile = facts.profile
        request.cluster_portal = facts.portal
        token = current_theme.set(request.site_profile.theme if request.site_profile else DEFAULT_THEME)
        try:
            return self.respond(request, site)
        finally:
            current_theme.reset(token)

    def respond(self, request: HttpRequest, site: Site | None) -> HttpResponse:
        profile = request.site_profile
        if profile is None or profile.is_open or request.path.startswith(settings.SITE_STATUS_EXEMPT_PREFIXES):
            return self.get_response(request)
        if profile.status == SiteStatus.CLOSED:
            response = TemplateResponse(
                request,
                "sites/closed.html",
                {"profile": profile, "site": site, "portal": portal_site()},
                status=410,
            )
        else:
            response = TemplateResponse(
                request, "sites/maintenance.html", {"profile": profile, "site": site}, status=503
            )
            response["Retry-After"] = str(settings.SITE_MAINTENANCE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response.render()
