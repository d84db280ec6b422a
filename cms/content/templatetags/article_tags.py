"""Article page helpers: QR code, attachment labels, 上一篇/下一篇 and related items."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import segno
from django import template
from django.core.cache import cache
from django.db.models import Q, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cms.content.models import LIST_FIELDS, ArticlePage
from cms.content.visibility import publicly_listed

register = template.Library()

QR_LABEL = "手机扫码阅读本页"
# The SVG depends only on the URL, so entries never go stale; the timeout only
# lets pages that no longer exist drop out of the cache.
QR_CACHE_SECONDS = 30 * 24 * 3600
QR_CACHE_VERSION = 2  # bump when the rendering options change
QR_SCALE = 4  # pixels per module: a URL of ~60 characters gives a code about 130 px wide
QR_BORDER = 2  # quiet zone, in modules
RELATED_COUNT = 5


def qr_cache_key(url: str) -> str:
    return f"article:qr:{QR_CACHE_VERSION}:{hashlib.sha256(url.encode()).hexdigest()}"


def qr_svg(url: str) -> str:
    """Inline SVG QR code for ``url``, cached per URL (segno costs a few ms a code)."""
    key = qr_cache_key(url)
    svg = cache.get(key)
    if svg is None:
        # Level M survives a smudged printout; dark on explicit white scans on any theme background.
        code = segno.make(url, error="m", micro=False)
        width, height = code.symbol_size(scale=QR_SCALE, border=QR_BORDER)
        # omitsize gives a viewBox, so CSS (print.css) can resize the code without
        # cropping it; the explicit size is the default when no stylesheet applies.
        svg = code.svg_inline(
            scale=QR_SCALE,
            border=QR_BORDER,
            dark="#000",
            light="#fff",
            title=QR_LABEL,
            svgclass="qr-code",
            omitsize=True,
        )
        svg = svg.replace(
            "<svg ", f'<svg role="img" aria-label="{escape(QR_LABEL)}" width="{width}" height="{height}" ', 1
        )
        cache.set(key, svg, QR_CACHE_SECONDS)
    return svg


@register.simple_tag(takes_context=True)
def page_qr_code(context: template.Context, page: ArticlePage) -> SafeString:
    """The page's full URL (the same as its ``Url`` meta tag) as an inline SVG QR code."""
    url = page.get_full_url(context.get("request"))
    # Safe: the markup is segno's own; the URL only becomes QR modules and the label is escaped.
    return mark_safe(qr_svg(url)) if url else mark_safe("")


@register.filter
def file_size_label(size: int | None) -> str:
    """Bytes as readers expect them on government sites: "356.0 KB", "1.2 MB"."""
    if size is None:
        return ""
    kilobytes = size / 1024
    if round(kilobytes, 1) < 1024:
        # A tiny file still reads as a file, not as "0.0 KB" (which suggests an empty one).
        return f"{max(kilobytes, 0.1) if size else 0:.1f} KB"
    return f"{kilobytes / 1024:.1f} MB"


@dataclass(frozen=True)
class AttachmentInfo:
    title: str
    url: str
    file_type: str  # extension upper-cased: PDF, DOCX, OFD …
    size: str  # "" when the document's size was never recorded


@register.simple_tag
def article_attachments(page: ArticlePage) -> list[AttachmentInfo]:
    """The page's attachments with type and size, in one query.

    Type comes from the file name and size from the Document's stored
    ``file_size``: neither touches file storage, which may be remote.
    """
    attachments = page.attachments.all().select_related("document")
    return [
        AttachmentInfo(
            title=attachment.title,
            url=attachment.document.url,
            file_type=attachment.document.file_extension.upper(),
            size=file_size_label(attachment.document.file_size),
        )
        for attachment in attachments
    ]


@dataclass(frozen=True)
class ArticleNavigation:
    # In the column's own (newest-first) list order: 上一篇 is the item listed
    # just above this one (newer), 下一篇 the one just below (older).
    previous: ArticlePage | None = None
    next: ArticlePage | None = None
    related: list[ArticlePage] = field(default_factory=list)


def _order_key(page: ArticlePage) -> tuple:
    # The column's ordering (ColumnPage.items): publication date, then id for ties.
    return (page.publication_date, page.pk)


@register.simple_tag
def article_navigation(page: ArticlePage) -> ArticleNavigation:
    """上一篇/下一篇 and up to five related items of the same column: two queries.

    Siblings the public may find only (a column's items are the article pages directly under
    it, whatever their ArticlePage subtype).
    """
    if page.pk is None or not page.path:  # preview of a page never saved
        return ArticleNavigation()
    siblings = publicly_listed(ArticlePage.objects.sibling_of(page, inclusive=False))
    date, pk = page.publication_date, page.pk
    newer = (
        siblings.filter(Q(publication_date__gt=date) | Q(publication_date=date, pk__gt=pk))
        .order_by("publication_date", "pk")
        .values("pk")[:1]
    )
    older = (
        siblings.filter(Q(publication_date__lt=date) | Q(publication_date=date, pk__lt=pk))
        .order_by("-publication_date", "-pk")
        .values("pk")[:1]
    )
    # One query for both neighbours: each scalar subquery finds one id (or NULL).
    neighbours = ArticlePage.objects.filter(Q(pk=Subquery(newer)) | Q(pk=Subquery(older))).only(*LIST_FIELDS)
    previous = following = None
    for neighbour in neighbours:
        if _order_key(neighbour) > _order_key(page):
            previous = neighbour
        else:
            following = neighbour
    related = list(siblings.order_by("-publication_date", "-pk").only(*LIST_FIELDS)[:RELATED_COUNT])
    return ArticleNavigation(previous=previous, next=following, related=related)
