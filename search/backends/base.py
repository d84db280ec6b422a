"""The one interface every search backend implements, and the query/result types."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from ..analysis import ParsedQuery
from ..documents import SearchDocument

# Filters a query may carry, each matching a facet (except dates).
FACETS = ("site", "organisation", "content_type", "topic", "genre", "year", "validity")


@dataclass(frozen=True)
class SearchQuery:
    parsed: ParsedQuery
    site_ids: tuple[int, ...] = ()  # empty: the whole cluster
    filters: dict[str, str | int | tuple] = field(default_factory=dict)  # facet name → value (tuple: any of)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"  # or "date"
    offset: int = 0
    limit: int = 10
    catalogue_only: bool = False
    match_any: bool = False  # OR instead of AND across the query's words (the fallback)


@dataclass
class Hit:
    page_id: int
    title: str
    url: str
    site_id: int
    column_path: str
    content_type: str
    text: str
    publication_date: datetime | None
    index_number: str = ""
    document_number: str = ""
    organisation_id: int | None = None
    original_id: int | None = None  # the page it was pushed from, or its own id


@dataclass(frozen=True)
class Copy:
    """A page of an original's group (the original, an alias or a copy of it) in the index."""

    original_id: int
    page_id: int
    site_id: int
    url: str


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str | int, int]]]  # facet → [(value, count)], largest first
    approximate: bool = False  # total and facet counts are estimates (very common words)


class SearchBackend(Protocol):
    name: str

    def index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents; returns how many were written."""

    def delete(self, page_ids: Sequence[int]) -> None:
        """Remove documents; unknown ids are ignored."""

    def search(self, query: SearchQuery) -> SearchResults:
        """One page of hits, one per original (its aliases and copies collapse into it);
        the total and facet counts count originals too."""

    def copies(self, original_ids: Sequence[int]) -> list[Copy]:
        """Every indexed page of these originals' groups (the originals included), by page id."""

    def clear(self) -> None:
        """Remove every document."""

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with ``documents``; readers see the old index until it is done."""
