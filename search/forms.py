"""Reading the search page's query string. Anything a reader (or a robot) sends
becomes a valid query: unknown values are dropped, never an error."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.http import QueryDict
from django.utils.http import urlencode
from wagtail.models import Site

from cms.disclosure.metadata import Genre, Validity
from sites.models import SiteType

from .analysis import MAX_QUERY_LENGTH
from .models import ContentType

PAGE_SIZE = 10
MAX_PAGES = 100  # deeper pages: narrow the query (as the catalogue does)

# URL parameter → facet name (backends/base.py FACETS).
PARAMETERS = {
    "site": "site",
    "org": "organisation",
    "type": "content_type",
    "topic": "topic",
    "genre": "genre",
    "year": "year",
    "validity": "validity",
}
ALLOWED_TEXT = {
    "genre": set(Genre.values),
    "validity": set(Validity.values),
    "type": set(ContentType.values),
}


def _clean_text(value: str | None) -> str:
    """Whitespace collapsed, control characters (NUL…) dropped, at most MAX_QUERY_LENGTH characters."""
    printable = "".join(ch for ch in (value or "") if unicodedata.category(ch) != "Cc" or ch.isspace())
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


def _positive_int(value: str | None, upper: int = 2**31 - 1) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number <= upper else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


# Every parameter from_query reads; the anonymous page cache keys on these (sites/page_cache.py).
QUERY_PARAMETERS = (
    *PARAMETERS,
    "q",
    "scope",
    "from",
    "to",
    "sort",
    "page",
    "catalogue",
    "index_number",
    "document_number",
)


def default_scope(site: Site | None) -> str:
    """What a search without ``scope`` covers: the portal (or an unknown host) the whole
    cluster ("all"), a subsite itself ("site"). The header box says which."""
    profile = getattr(site, "profile", None) if site else None
    return "all" if site is None or (profile is not None and profile.site_type == SiteType.PORTAL) else "site"


@dataclass
class SearchParams:
    q: str = ""
    scope: str = "site"  # "site": this site; "all": the whole cluster
    filters: dict[str, str | int] = field(default_factory=dict)  # URL parameter → value
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    catalogue: bool = False
    index_number: str = ""
    document_number: str = ""

    @classmethod
    def from_query(cls, params: QueryDict, default_scope: str) -> SearchParams:
        filters: dict[str, str | int] = {}
        for name in PARAMETERS:
            value = (params.get(name) or "").strip()
            if not value:
                continue
            if name in ALLOWED_TEXT:
                if value in ALLOWED_TEXT[name]:
                    filters[name] = value
            elif name == "year":
                if (year := _positive_int(value, 9999)) is not None:
                    filters[name] = year
            elif (number := _positive_int(value)) is not None:
                filters[name] = number
        scope = params.get("scope")
        return cls(
            q=_clean_text(params.get("q")),
            scope=scope if scope in ("site", "all") else default_scope,
            filters=filters,
            date_from=_date(params.get("from")),
            date_to=_date(params.get("to")),
            sort="date" if params.get("sort") == "date" else "relevance",
            page=min(_positive_int(params.get("page")) or 1, MAX_PAGES),
            catalogue=params.get("catalogue") == "1",
            index_number=_clean_text(params.get("index_number")),
            document_number=_clean_text(params.get("document_number")),
        )

    def as_params(self, **changes) -> dict[str, str]:
        """The query string of these parameters with ``changes`` (None removes a parameter)."""
        values: dict[str, object] = {
            "q": self.q,
            "scope": self.scope,
            **self.filters,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "sort": "date" if self.sort == "date" else None,
            "catalogue": "1" if self.catalogue else None,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in (None, "")}

    def url(self, **changes) -> str:
        changes.setdefault("page", None)  # any change starts again at page 1
        return "?" + urlencode(self.as_params(**changes))

    @property
    def has_criteria(self) -> bool:
        return bool(self.q or self.filters or self.date_from or self.date_to or self.catalogue)
