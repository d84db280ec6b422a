"""Per-site RSS feeds, sitemap.xml and robots.txt.

Every answer is scoped to the Wagtail ``Site`` the request's hostname picks, so a
township's feed or sitemap never lists another site's pages. Absolute URLs come
from Wagtail (``get_full_url``: the site's ``root_url``), exactly like the
``Url`` meta tag on article pages. Closed and maintained sites never reach these
views: ``SiteStatusMiddleware`` answers 410 / 503 first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.models import Site

from core.text import plain_text

from .models import ArticlePage, ColumnPage
from .visibility import publicly_listed

FEED_SIZE = 20
DESCRIPTION_CHARS = 200
# The sitemap protocol allows 50,000 URLs per file; a site beyond that needs a
# sitemap index (not built: the largest county clusters are far below it).
SITEMAP_MAX_URLS = 50_000

DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"


def current_site(request: HttpRequest) -> Site:
    """The requesting site (cached on the request by Wagtail), or 404 if there is none."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("没有对应的网站。")
    return site


def site_name(site: Site) -> str:
    return site.site_name or site.hostname


# --- RSS ---------------------------------------------------------------------


def site_items(site: Site) -> QuerySet[ArticlePage]:
    """Live, public items (any ArticlePage subclass) of one site, newest first."""
    return publicly_listed(ArticlePage.objects.descendant_of(site.root_page, inclusive=False)).order_by(
        "-publication_date", "-pk"
    )


def live_column(site: Site, page_id: int) -> ColumnPage:
    """The live, public column ``page_id`` of this site; 404 for anything else.

    Another site's column, a non-column page or a restricted column must not
    be reachable through this site's hostname.
    """
    column = publicly_listed(ColumnPage.objects.descendant_of(site.root_page)).filter(pk=page_id).first()
    if column is None:
        raise Http404("栏目不存在。")
    return column


class GovernmentRssFeed(Rss201rev2Feed):
    """RSS 2.0 that also carries an item's 来源 (issuing unit) as ``dc:publisher``."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("publisher"):
            handler.addQuickElement("dc:publisher", item["publisher"], {"xmlns:dc": DC_NAMESPACE})


@dataclass
class FeedScope:
    """What one feed request is about; Feed methods receive it as ``obj``."""

    request: HttpRequest
    site: Site
    column: ColumnPage | None = None


class ItemsFeed(Feed):
    """Latest items of a site or of one column.

    Feed instances are shared between requests, so nothing per request is kept
    on ``self``: ``get_object`` builds a ``FeedScope`` and item links are
    computed in ``items`` while the request is at hand.
    """

    feed_type = GovernmentRssFeed
    language = "zh-cn"

    def get_object(self, request: HttpRequest, page_id: int | None = None) -> FeedScope:
        site = current_site(request)
        column = live_column(site, page_id) if page_id is not None else None
        return FeedScope(request=request, site=site, column=column)

    def title(self, obj: FeedScope) -> str:
        return f"{site_name(obj.site)} - {obj.column.title}" if obj.column else site_name(obj.site)

    def link(self, obj: FeedScope) -> str:
        if obj.column:
            return obj.column.get_full_url(obj.request)
        return f"{obj.site.root_url}/"

    def feed_url(self, obj: FeedScope) -> str:
        # The self link lives on the site's canonical host, like every other link.
        return f"{obj.site.root_url}{obj.request.path}"

    def description(self, obj: FeedScope) -> str:
        if obj.column and obj.column.intro:
            return plain_text(obj.column.intro, DESCRIPTION_CHARS)
        return f"{self.title(obj)}最新信息"

    def items(self, obj: FeedScope) -> list[ArticlePage]:
        queryset = obj.column.items() if obj.column else site_items(obj.site)
        items = list(queryset[:FEED_SIZE])
        for item in items:
            # Wagtail caches the site root paths on the request: no query per item.
            item.feed_link = item.get_full_url(obj.request)
        return items

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_link(self, item: ArticlePage) -> str:
        return item.feed_link

    def item_description(self, item: ArticlePage) -> str:
        return item.search_description or plain_text(item.body, DESCRIPTION_CHARS)

    def item_pubdate(self, item: ArticlePage) -> datetime:
        return item.publication_date

    def item_author_name(self, item: ArticlePage) -> str | None:
        return item.author or None

    def item_extra_kwargs(self, item: ArticlePage) -> dict[str, str]:
        return {"publisher": item.source}


items_feed = ItemsFeed()


def site_feed(request: HttpRequest) -> HttpResponse:
    return items_feed(request)


def column_feed(request: HttpRequest, page_id: int) -> HttpResponse:
    return items_feed(request, page_id=page_id)


# --- sitemap and robots.txt --------------------------------------------------


@dataclass(frozen=True)
class SitemapEntry:
    location: str
    lastmod: str | None  # W3C Datetime, local time to the second


def sitemap_entries(request: HttpRequest, site: Site) -> Iterable[SitemapEntry]:
    """Every live, public page of the site, in tree order.

    One query for the pages (view restrictions are cached), whatever their
    number: only the columns needed for the URL are loaded and no page is made
    specific. Page types that override ``get_sitemap_urls`` are therefore not
    consulted; none in this project does.
    """
    pages = (
        publicly_listed(site.root_page.get_descendants(inclusive=True))
        .order_by("path")
        .only("url_path", "last_published_at", "latest_revision_created_at")
    )
    # Beyond the protocol's limit the list is cut rather than made invalid.
    for page in pages[:SITEMAP_MAX_URLS]:
        lastmod = page.last_published_at or page.latest_revision_created_at
        yield SitemapEntry(
            location=page.get_full_url(request),
            lastmod=timezone.localtime(lastmod).isoformat(timespec="seconds") if lastmod else None,
        )


def sitemap(request: HttpRequest) -> HttpResponse:
    site = current_site(request)
    # No request in the context: context processors would add queries and nothing useful.
    body = render_to_string("content/sitemap.xml", {"urls": sitemap_entries(request, site)})
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def robots_txt(request: HttpRequest) -> HttpResponse:
    site = current_site(request)
    lines = ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {site.root_url}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
