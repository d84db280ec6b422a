"""Reader preferences that work without JavaScript (适老化)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect

from core.http import safe_next_url

from .context_processors import ELDERLY_COOKIE

ONE_YEAR = 365 * 24 * 3600


def toggle_elderly_mode(request: HttpRequest) -> HttpResponseRedirect:
    """/a11y/elderly/?on=1|0&next=/path/ — remember 长者模式 in a cookie and go back."""
    response = HttpResponseRedirect(safe_next_url(request, "/"))
    if request.GET.get("on") == "1":
        response.set_cookie(ELDERLY_COOKIE, "1", max_age=ONE_YEAR, samesite="Lax")
    else:
        response.delete_cookie(ELDERLY_COOKIE, samesite="Lax")
    return response
