from django.http import HttpRequest


def site_profile(request: HttpRequest) -> dict:
    """The current site's profile (set by SiteStatusMiddleware) for the page chrome."""
    return {"site_profile": getattr(request, "site_profile", None)}
