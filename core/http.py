"""Request input made safe once for every view: redirect targets, the client's address, ids in URLs, NUL bytes,
the 400/413 pages."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.template import loader
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


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address: the lockout and login history (``AXES_CLIENT_IP_CALLABLE``), the public forms' rate limits.

    Behind ``LOGIN_TRUSTED_PROXIES`` proxies it is the address the outermost one saw:
    counted from the right of X-Forwarded-For, since a client can write anything to the
    left of what the proxies append. Anything that is not an address falls back to REMOTE_ADDR."""
    proxies = settings.LOGIN_TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        try:
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


# PostgreSQL's bigint, the type of every id (DEFAULT_AUTO_FIELD = BigAutoField).
MAX_ID = 2**63 - 1


class IdConverter:
    """``<id:name>`` in our URL patterns: a positive integer that fits a bigint column.

    A larger number is no match (404) instead of an integer the database cannot
    compare; registered once in ``CoreConfig.ready()``."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)  # Django's resolver: no match
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class NullCharacterInRequest(SuspiciousOperation):
    """A NUL byte in the path or a query parameter."""


class RejectNullCharactersMiddleware:
    """400 for a NUL byte in the path, or in the admin's query string, before any view reads it.

    No URL of the cluster has one, and PostgreSQL refuses it in any text value: left
    through, ``/admin/bulk/%00/…`` or ``?direction=%00`` becomes a DataError (a 500) in
    whichever admin view, ours or Wagtail's, filters by it. Public pages clean their own
    parameters (search drops control characters, listings ignore a junk page number), so
    a reader following a mangled link still gets the page; ``tests/test_fuzz.py`` holds
    them to it. Raised as a SuspiciousOperation: Django logs it (``django.security``) and
    answers with ``bad_request``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or (request.path.startswith("/admin/") and _has_null(request.GET)):
            raise NullCharacterInRequest("NUL byte in the request's path or admin query string")
        return self.get_response(request)


def _has_null(params) -> bool:
    return any("\x00" in name or any("\x00" in value for value in values) for name, values in params.lists())


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` (``PERMISSIONS_POLICY``) on every response, cached pages and errors included.

    Government pages use no camera, microphone, location, payment or USB: an embedded
    or injected script cannot ask for them. Django has no setting for this header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in settings.PERMISSIONS_POLICY.items()
        )
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: the Chinese 400 page, or 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    if isinstance(exception, RequestDataTooBig):
        return HttpResponse(loader.render_to_string("413.html"), status=413)
    return HttpResponse(loader.render_to_string("400.html"), status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a Chinese page instead of Django's English one (an expired form, cookies off)."""
    return HttpResponse(loader.render_to_string("403_csrf.html"), status=403)
