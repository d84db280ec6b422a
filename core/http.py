"""Redirect targets taken from the request, made safe once for every view."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, fallback: str, *, avoid: str = "") -> str:
    """The request's ``next`` if it stays on this host (and scheme, over HTTPS), else ``fallback``.

    ``avoid``: a path prefix that must not be the target (the form itself), so a
    successful submit never lands back on the page that asked for it."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return fallback
    if avoid and target.startswith(avoid):
        return fallback
    return target
