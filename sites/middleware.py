"""Answers for subsites that are closed (410), under maintenance (503) or still 筹建 (404 to the public)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from wagtail.models import Page, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from core import wagtail_internals

from .models import SiteStatus
from .site_facts import facts_for_request
from .themes import DEFAULT_THEME, current_theme


def is_site_staff(user, site: Site) -> bool:
    """Whether ``user`` works on ``site``: the info center, or a holder of a page permission on its home
    page or above (where the site's own groups hold theirs, ``sites.services._create_site_groups``)."""
    if not user.is_authenticated:
        return False
    if user.has_perm("sites.change_siteprofile"):
        return True
    return PagePermissionPolicy(Page).user_has_any_permission_for_instance(
        user, {"add", "change", "publish"}, site.root_page
    )


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
        if profile.status == SiteStatus.PREPARING and is_site_staff(request.user, site):
            # The staff's preview of a site not yet public: never kept by a proxy (the
            # page cache already skips every request with a session).
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        if profile.status == SiteStatus.PREPARING:
            # 404, not 503: a site being built has no date to come back (a Retry-After
            # would be a guess), and nothing of it should be indexed yet.
            response = TemplateResponse(request, "sites/preparing.html", {"profile": profile, "site": site}, status=404)
        elif profile.status == SiteStatus.CLOSED:
            response = TemplateResponse(
                request,
                "sites/closed.html",
                {"profile": profile, "site": site},
                status=410,
            )
        else:
            response = TemplateResponse(
                request, "sites/maintenance.html", {"profile": profile, "site": site}, status=503
            )
            response["Retry-After"] = str(settings.SITE_MAINTENANCE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response.render()
