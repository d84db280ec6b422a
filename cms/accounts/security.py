"""Security baseline pieces: the CSP middleware, the lockout page and the HTML sanitizer."""

from __future__ import annotations

import nh3
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# What public input and imported legacy HTML may keep: the structure of a
# government notice (headings, paragraphs, lists, tables, links, images), no
# script, style, event handler, frame or form.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(html: str) -> str:
    """HTML from the public or from an import, reduced to harmless markup (nh3 / Ammonia)."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """The page a locked-out account sees (django-axes ``AXES_LOCKOUT_CALLABLE``), in Chinese."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    body = render_to_string(
        "accounts/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        request=request,
    )
    return HttpResponse(body, status=429)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with one difference: the Wagtail admin may run its inline scripts."""

    def get_policy_parts(self, request: HttpRequest, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith("/admin/"):
            parts.replace = {**(parts.replace or {}), "script-src": settings.CONTENT_SECURITY_POLICY_ADMIN_SCRIPT_SRC}
        return parts
