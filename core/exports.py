"""Downloads of tables as CSV or XLSX, the way every export of the cluster writes them.

CSV starts with a UTF-8 byte-order mark: without it Excel, which most offices
open these files with, reads UTF-8 as the local code page and garbles Chinese.

Every text cell goes through ``neutralise``: Excel and WPS run a cell starting with
``= + - @`` (or a tab or carriage return) as a formula, so a title such as
``=HYPERLINK(…)`` would be live in whoever opens the download (CSV injection, OWASP).
Every Wagtail spreadsheet export (its reports and ours built on them) gets the same:
``core.wagtail_internals.neutralise_wagtail_spreadsheets``, installed in ``CoreConfig.ready``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[object]
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that would start a formula, prefixed with an apostrophe; any other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restored(value: object) -> object:
    """What ``neutralise`` was given: for importers reading an export back."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def _safe_row(row: Row) -> list[object]:
    return [neutralise(value) for value in row]


class _Echo:
    """A file-like object that hands back what the CSV writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Row, rows: Iterable[Row]) -> Iterator[str]:
    """The CSV text line by line, the first one starting with the BOM."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(_safe_row(headers))
    for row in rows:
        yield writer.writerow(_safe_row(row))


def csv_response(filename: str, headers: Row, rows: Iterable[Row], *, stream: bool = True) -> HttpResponse:
    """A CSV download; streamed (rows are read as they are sent) unless ``stream=False``."""
    lines = csv_lines(headers, rows)
    if stream:
        response = StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse("".join(lines), content_type=CSV_CONTENT_TYPE)
    return _attachment(response, filename)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook; ``number_formats`` maps a 0-based column to an Excel format ("0.0%")."""

    title: str
    headers: Row
    rows: Iterable[Row]
    number_formats: dict[int, str] | None = None


def xlsx_workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook of several sheets, each written as ``xlsx_bytes`` writes one."""
    workbook = Workbook(write_only=True)  # rows go to the file as they come: constant memory
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title)
        sheet.append(_safe_row(spec.headers))
        for row in spec.rows:
            row = _safe_row(row)
            if spec.number_formats:
                row = [_formatted(sheet, value, spec.number_formats.get(i)) for i, value in enumerate(row)]
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(
    sheet_title: str, headers: Row, rows: Iterable[Row], *, number_formats: dict[int, str] | None = None
) -> bytes:
    """An XLSX workbook of one sheet; ``number_formats`` maps a 0-based column to an Excel format ("0.0%")."""
    return xlsx_workbook_bytes([Sheet(sheet_title, headers, rows, number_formats)])


def xlsx_response(filename: str, sheet_title: str, headers: Row, rows: Iterable[Row], **options) -> HttpResponse:
    """An XLSX download (see ``xlsx_bytes``)."""
    response = HttpResponse(xlsx_bytes(sheet_title, headers, rows, **options), content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, filename)


def _formatted(sheet, value, number_format: str | None):
    if number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
