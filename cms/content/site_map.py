"""网站地图: a site's columns and standing pages (not its items)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.response import TemplateResponse
from wagtail.models import Site

from .models import ArticlePage
from .visibility import publicly_listed


def site_map(request: HttpRequest) -> TemplateResponse:
    """The site's pages two levels deep, items (ArticlePage and its kinds) left out; one query."""
    site = Site.find_for_request(request)
    root = site.root_page if site else None
    entries = []
    if root is not None:
        pages = publicly_listed(root.get_descendants()).not_type(ArticlePage).filter(depth__lte=root.depth + 2)
        entries = [(page, page.depth - root.depth) for page in pages.only("title", "url_path", "path", "depth")]
    return TemplateResponse(request, "sites/site_map.html", {"entries": entries, "root": root})
