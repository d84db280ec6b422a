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


def site_map(request: HttpRequest):
    """网站地图: the site's columns and standing pages (not its items), one query."""
    from django.template.response import TemplateResponse
    from wagtail.models import Site

    from cms.content.models import ArticlePage

    site = Site.find_for_request(request)
    root = site.root_page if site else None
    entries = []
    if root is not None:
        pages = root.get_descendants().live().public().not_type(ArticlePage).filter(depth__lte=root.depth + 2)
        entries = [(page, page.depth - root.depth) for page in pages.only("title", "url_path", "path", "depth")]
    return TemplateResponse(request, "sites/site_map.html", {"entries": entries, "root": root})
