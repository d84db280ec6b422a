from django.http import HttpRequest
from wagtail.models import Site

from .appearance import appearance_for

ELDERLY_COOKIE = "elderly"


def site_profile(request: HttpRequest) -> dict:
    """The current site's profile and the portal a subsite links back to (both set by
    SiteStatusMiddleware), its cached appearance, and the reader's 长者模式 choice, for the page chrome."""
    return {
        "site_profile": getattr(request, "site_profile", None),
        "cluster_portal": getattr(request, "cluster_portal", None),
        "appearance": appearance_for(Site.find_for_request(request)),
        "elderly_mode": request.COOKIES.get(ELDERLY_COOKIE) == "1",
    }
