"""Open data: catalogue items as plain records, for the JSON endpoint and the CSV/XLSX exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cms.content.models import ArticlePage
from core.exports import csv_response, xlsx_response

from .catalogue_query import CatalogueFilters, catalogue_items, filtered, listing, scope_organisation
from .metadata import DisclosureMode, DisclosureTerm, Validity

# Every exported column is one the importer reads back (cms/disclosure/importer.py),
# so an export is a complete, re-importable copy of the catalogue entries.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("索引号", "index_number"),
    ("标题", "title"),
    ("发文字号", "document_number"),
    ("发布机构", "organisation"),
    ("成文日期", "date_formed"),
    ("发布日期", "published"),
    ("主题分类", "topic_path"),
    ("体裁", "genre"),
    ("主题词", "subject_terms"),
    ("有效性", "validity"),
    ("有效性变更日期", "validity_changed_on"),
    ("公开方式", "disclosure_mode"),
    ("公开时限", "disclosure_term"),
    ("内容概述", "summary"),
    ("链接", "url"),
]
SHEET_TITLE = "政府信息公开目录"


def as_record(item: ArticlePage, request: HttpRequest | None) -> dict:
    """One catalogue item as plain data (JSON and exports)."""
    index_number = getattr(item, "index_number", None)
    topic = item.topic if item.topic_id else None
    return {
        "index_number": index_number.value if index_number else "",
        "title": item.title,
        "document_number": item.document_number,
        "organisation": item.issuing_organisation.name if item.issuing_organisation_id else "",
        "date_formed": item.date_formed.isoformat() if item.date_formed else "",
        "published": timezone.localtime(item.publication_date).date().isoformat(),
        "topic": topic.name if topic else "",
        "topic_path": str(topic) if topic else "",  # "一级 › 二级" for a second-level topic
        "genre": item.genre,
        "subject_terms": item.subject_terms,
        "validity": Validity(item.validity).label,
        "validity_changed_on": item.validity_changed_on.isoformat() if item.validity_changed_on else "",
        "disclosure_mode": DisclosureMode(item.disclosure_mode).label,
        "disclosure_term": DisclosureTerm(item.disclosure_term).label if item.disclosure_term else "",
        "summary": item.summary,
        "has_interpretation": bool(getattr(item, "has_interpretation", False)),
        "url": item.get_full_url(request),
    }


def export_rows(request: HttpRequest) -> Iterator[list]:
    """Every item the reader's filters select (not only one page), in EXPORT_COLUMNS order."""
    filters = CatalogueFilters.from_query(request.GET)
    items = listing(filtered(catalogue_items(scope_organisation(request)), filters))
    for item in items.iterator(chunk_size=2000):
        record = as_record(item, request)
        yield [record[key] for _, key in EXPORT_COLUMNS]


def export_response(request: HttpRequest, kind: str) -> HttpResponse:
    """The selected items as a CSV (streamed) or XLSX download."""
    filename = f"catalogue-{date.today():%Y%m%d}.{kind}"
    headers = [label for label, _ in EXPORT_COLUMNS]
    if kind == "csv":
        return csv_response(filename, headers, export_rows(request))
    return xlsx_response(filename, SHEET_TITLE, headers, export_rows(request))
