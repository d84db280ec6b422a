"""Reader preferences that work without JavaScript (适老化)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect

from core.http import safe_next_url

from .context_processors import ELDERLY_COOKIE

ONE_YEAR = 365 * 24 * 3600


def toggle_elderly_mode(request: HttpRequest) -> HttpResponseRedirect:
    """/a11y/elderly/?on=1|0&next=/path/ — remember 长者模式 in a cookie and go back."""
    response = HttpResponseRedirect(safe_next_url(request, "/"))
    domain = cookie_domain(request)
    if request.GET.get("on") == "1":
        response.set_cookie(ELDERLY_COOKIE, "1", max_age=ONE_YEAR, samesite="Lax", domain=domain)
    else:
        response.delete_cookie(ELDERLY_COOKIE, samesite="Lax", domain=domain)
    return response


def cookie_domain(request: HttpRequest) -> str | None:
    """``ELDERLY_COOKIE_DOMAIN`` (e.g. ``.xzq.gov.cn``) when this host lies under it, so the
    choice follows the reader across the cluster; else None (this host only: a browser
    drops a cookie for a domain the host is not in)."""
    domain = settings.ELDERLY_COOKIE_DOMAIN
    host = request.get_host().split(":", 1)[0].lower()
    if domain and (host == domain.lstrip(".") or host.endswith("." + domain.lstrip("."))):
        return domain
    return None
