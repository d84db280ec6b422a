"""Pages → search documents: what the index knows about each live public page.

One function turns pages into ``SearchDocument``s for every backend, so the
database and Elasticsearch indexes hold the same facts.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from wagtail.models import Page, Site

from cms.content.models import ArticleAttachment, ArticlePage, ColumnPage
from cms.content.visibility import publicly_listed
from cms.disclosure.models import (
    AnnualReportPage,
    DisclosureInfoPage,
    IndexNumber,
    InterpretationPage,
    PolicyDocumentPage,
)
from cms.syndication.models import PushMode, PushRecord
from core.text import plain_text
from sites.models import SiteProfile

from .analysis import index_terms
from .models import ContentType

logger = logging.getLogger(__name__)

TEXT_LIMIT = 200_000  # characters of body + attachments kept per page
ATTACHMENT_TEXT_LIMIT = 100_000
INDEXED_TYPES = (ArticlePage, ColumnPage, DisclosureInfoPage)


@dataclass
class SearchDocument:
    page_id: int
    site_id: int
    organisation_id: int | None
    content_type: str
    title: str
    url: str
    column_path: str = ""
    summary: str = ""
    text: str = ""
    topic_id: int | None = None
    genre: str = ""
    validity: str = ""
    year: int | None = None
    publication_date: datetime | None = None
    date_formed: date | None = None
    index_number: str = ""
    document_number: str = ""
    in_catalogue: bool = False
    # The page this one was pushed from (alias or copy, followed to the first source),
    # else its own id: search lists one hit per original (另见于 names the others).
    original_id: int = 0
    terms: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.original_id = self.original_id or self.page_id

    def analyse(self) -> SearchDocument:
        """Segment title, summary and body once, for whichever backend stores it."""
        self.terms = {
            "title": index_terms(self.title),
            "summary": index_terms(self.summary),
            "body": index_terms(self.text),
        }
        return self


def content_type_of(page: Page) -> str:
    # Most specific first: the disclosure types are ArticlePage subclasses.
    for model, kind in (
        (PolicyDocumentPage, ContentType.POLICY),
        (InterpretationPage, ContentType.INTERPRETATION),
        (AnnualReportPage, ContentType.ANNUAL_REPORT),
        (ArticlePage, ContentType.ARTICLE),
        (DisclosureInfoPage, ContentType.DISCLOSURE_INFO),
        (ColumnPage, ContentType.COLUMN),
    ):
        if isinstance(page, model):
            return kind
    raise ValueError(f"{type(page).__name__} is not indexed")


def indexable_pages(pages: QuerySet[Page] | None = None) -> QuerySet[Page]:
    """Pages of the indexed types (home and catalogue pages have no text of their own) the
    public may find: live, under no view restriction, not taken down."""
    pages = Page.objects.all() if pages is None else pages
    return publicly_listed(pages.type(*INDEXED_TYPES))


def build_documents(pages: Iterable[Page]) -> Iterator[SearchDocument]:
    """Documents for ``pages`` (specific instances), with few queries per batch, not per page."""
    pages = list(pages)
    if not pages:
        return
    site_roots = _site_roots()
    organisation_of_site = dict(SiteProfile.objects.values_list("site_id", "organisation_id"))
    column_titles = _column_titles(pages)
    index_numbers = dict(IndexNumber.objects.filter(page_id__in=[p.pk for p in pages]).values_list("page_id", "value"))
    articles = [page for page in pages if isinstance(page, ArticlePage)]
    attachments = _attachment_texts(articles)
    originals = originals_of([page.pk for page in articles])
    for page in pages:
        site = _site_for(page, site_roots)
        if site is None:
            continue  # a page outside every site is unreachable
        document = SearchDocument(
            page_id=page.pk,
            site_id=site.pk,
            organisation_id=organisation_of_site.get(site.pk),
            content_type=content_type_of(page),
            title=page.title,
            url=site.root_url + page.url_path[len(site.root_page.url_path) - 1 :],
            column_path=" > ".join(column_titles.get(page.path[:i], "") for i in _ancestor_cuts(page, site)),
            original_id=originals.get(page.pk, page.pk),
        )
        if isinstance(page, ArticlePage):
            _add_article_fields(document, page, index_numbers.get(page.pk, ""), attachments.get(page.pk, ""))
        else:
            document.text = plain_text(getattr(page, "intro", "") or getattr(page, "body", ""), TEXT_LIMIT)
            document.publication_date = page.last_published_at
            document.year = page.last_published_at.year if page.last_published_at else None
        yield document.analyse()


def _add_article_fields(document: SearchDocument, page: ArticlePage, index_number: str, attachment_text: str) -> None:
    body = plain_text(page.body, TEXT_LIMIT)
    extra = " ".join(
        filter(None, [page.document_number, page.subtitle, page.keywords, page.subject_terms, page.source])
    )
    document.summary = page.summary or ""
    document.text = " ".join(filter(None, [extra, body, attachment_text]))[:TEXT_LIMIT]
    document.publication_date = page.publication_date
    document.year = page.publication_date.year if page.publication_date else None
    document.date_formed = page.date_formed
    document.in_catalogue = page.in_catalogue
    document.index_number = index_number
    document.document_number = page.document_number
    if page.issuing_organisation_id:
        document.organisation_id = page.issuing_organisation_id
    if page.in_catalogue:
        document.topic_id = page.topic_id
        document.genre = page.genre
        document.validity = page.validity


MAX_PUSH_DEPTH = 5  # a copy of a copy of …: pushes rarely go further than twice


def originals_of(page_ids: Iterable[int]) -> dict[int, int]:
    """Page id → the page it was pushed from, for the pushed ones among ``page_ids``.

    An alias names its source (``alias_of``); an accepted copy has a push record
    (``resulting_page``). Followed back to the first source, a query per step of
    the chain (not per page).
    """
    originals: dict[int, int] = {}
    frontier = {pk: pk for pk in page_ids}  # page → the page whose source is looked up next
    for _ in range(MAX_PUSH_DEPTH):
        if not frontier:
            break
        sources = dict(
            Page.objects.filter(pk__in=frontier.values(), alias_of__isnull=False).values_list("pk", "alias_of_id")
        )
        copies = PushRecord.objects.filter(resulting_page_id__in=frontier.values(), mode=PushMode.COPY).values_list(
            "resulting_page_id", "source_id"
        )
        sources.update(copies)
        next_frontier = {}
        for page_id, current in frontier.items():
            if current in sources:
                originals[page_id] = next_frontier[page_id] = sources[current]
        frontier = next_frontier
    return originals


def _site_roots() -> list[Site]:
    """Every site with its root page, deepest root first (one query)."""
    sites = list(Site.objects.select_related("root_page"))
    return sorted(sites, key=lambda site: len(site.root_page.path), reverse=True)


def _site_for(page: Page, sites: list[Site]) -> Site | None:
    for site in sites:
        if page.path.startswith(site.root_page.path):
            return site
    return None


def _ancestor_cuts(page: Page, site: Site) -> range:
    """Path prefixes of the page's ancestors below the site's home, and the page itself if a column."""
    steplen = Page.steplen
    start = len(site.root_page.path) + steplen
    end = len(page.path) + (steplen if isinstance(page, ColumnPage) else 0)
    return range(start, end, steplen)


def _column_titles(pages: list[Page]) -> dict[str, str]:
    prefixes = {page.path[:i] for page in pages for i in range(Page.steplen, len(page.path) + 1, Page.steplen)}
    return dict(Page.objects.filter(path__in=prefixes).values_list("path", "title"))


def _attachment_texts(articles: list[ArticlePage]) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    attachments = ArticleAttachment.objects.filter(page_id__in=[a.pk for a in articles]).select_related("document")
    for attachment in attachments:
        parts = texts.setdefault(attachment.page_id, [])
        parts.append(attachment.title)
        if attachment.document is not None:
            parts.append(extract_text(attachment.document))
    return {page_id: " ".join(filter(None, parts)) for page_id, parts in texts.items()}


def extract_text(document) -> str:
    """The text of a PDF, DOCX or TXT document; empty for other types or unreadable files."""
    extension = document.file_extension.lower()
    try:
        with document.open_file() as handle:
            data = handle.read()
        if extension == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
        elif extension == "docx":
            import docx

            text = "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs)
        elif extension == "txt":
            text = data.decode("utf-8", errors="replace")
        else:
            return ""
    except Exception:  # a damaged upload must not stop indexing of the page
        logger.warning("could not extract text from document %s", document.pk, exc_info=True)
        return ""
    return text[:ATTACHMENT_TEXT_LIMIT]
