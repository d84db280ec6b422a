"""Reader preferences that work without JavaScript (适老化)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from .context_processors import ELDERLY_COOKIE

ONE_YEAR = 365 * 24 * 3600


def toggle_elderly_mode(request: HttpRequest) -> HttpResponseRedirect:
    """/a11y/elderly/?on=1|0&next=/path/ — remember 长者模式 in a cookie and go back."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("on") == "1":
        response.set_cookie(ELDERLY_COOKIE, "1", max_age=ONE_YEAR, samesite="Lax")
    else:
        response.delete_cookie(ELDERLY_COOKIE, samesite="Lax")
    return response
