"""Security baseline pieces: the CSP middleware and the lockout page (the HTML sanitizer is ``core.security``,
the client's address ``core.http.client_ip_address``)."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """The page a locked-out account sees (django-axes ``AXES_LOCKOUT_CALLABLE``), in Chinese."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    body = render_to_string(
        "accounts/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "ceiling": settings.LOGIN_FAILURE_CEILING, "minutes": minutes},
        request=request,
    )
    return HttpResponse(body, status=429)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with one difference: the signed-in Wagtail admin may run its inline scripts (ADR 0009)."""

    def get_policy_parts(self, request: HttpRequest, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        user = getattr(request, "user", None)
        if not report_only and request.path.startswith("/admin/") and user is not None and user.is_authenticated:
            parts.replace = {**(parts.replace or {}), "script-src": settings.CONTENT_SECURITY_POLICY_ADMIN_SCRIPT_SRC}
        return parts
