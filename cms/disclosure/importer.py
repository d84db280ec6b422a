"""Bulk import of existing catalogue items (政府信息公开目录) from CSV or XLSX.

Three steps, each usable alone: ``read_rows`` turns a file into rows keyed by
the Chinese column headers; ``validate_rows`` reports every bad row at once (the
dry run); ``import_rows`` publishes all rows as ``PolicyDocumentPage``s in one
transaction, or none. The headers shared with the export are the export's own
labels, so an exported file's columns are understood on the way back in.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html import escape
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from cms.content.models import ArticlePage, ColumnPage
from core.exports import restored
from core.publishing import review_waived
from core.security import sanitize_html
from sites.models import Organisation
from sites.services import resolve_organisation

from . import index_numbers
from .catalogue_export import EXPORT_COLUMNS
from .metadata import DisclosureMode, DisclosureTerm, DocumentClass, Genre, Validity, normalise_document_number
from .models import IndexNumber, PolicyDocumentPage, Topic
from .services import format_for, reserve_existing_index_number

# ---------------------------------------------------------------- columns

_EXPORT_LABEL = {key: label for label, key in EXPORT_COLUMNS}
INDEX_NUMBER = _EXPORT_LABEL["index_number"]  # 索引号
TITLE = _EXPORT_LABEL["title"]  # 标题
DOCUMENT_NUMBER = _EXPORT_LABEL["document_number"]  # 发文字号
ORGANISATION = _EXPORT_LABEL["organisation"]  # 发布机构
DATE_FORMED = _EXPORT_LABEL["date_formed"]  # 成文日期
PUBLISHED = _EXPORT_LABEL["published"]  # 发布日期
TOPIC = _EXPORT_LABEL["topic_path"]  # 主题分类
GENRE = _EXPORT_LABEL["genre"]  # 体裁
VALIDITY = _EXPORT_LABEL["validity"]  # 有效性
SUMMARY = _EXPORT_LABEL["summary"]  # 内容概述
SUBJECT_TERMS = _EXPORT_LABEL["subject_terms"]  # 主题词
VALIDITY_CHANGED = _EXPORT_LABEL["validity_changed_on"]  # needed for 已修订/已废止/已失效 rows
DISCLOSURE_MODE = _EXPORT_LABEL["disclosure_mode"]  # 公开方式
DISCLOSURE_TERM = _EXPORT_LABEL["disclosure_term"]  # 公开时限
BODY = "正文"  # not exported: the catalogue entry, not the page, is what an export copies
# Not exported either (a policy document's own field, not a catalogue one): what the annual
# report's table 1 counts (cms.disclosure.annual_report); blank for any other policy document.
DOCUMENT_CLASS = "文件类别"

#: Every column the importer reads, in the order errors are reported; others are ignored.
COLUMNS = (
    INDEX_NUMBER,
    TITLE,
    SUMMARY,
    ORGANISATION,
    DATE_FORMED,
    PUBLISHED,
    DOCUMENT_NUMBER,
    TOPIC,
    GENRE,
    SUBJECT_TERMS,
    VALIDITY,
    VALIDITY_CHANGED,
    DISCLOSURE_MODE,
    DISCLOSURE_TERM,
    DOCUMENT_CLASS,
    BODY,
)
REQUIRED_COLUMNS = (TITLE, PUBLISHED)

# Model field → the column its errors are reported under.
FIELD_COLUMN = {
    "title": TITLE,
    "summary": SUMMARY,
    "issuing_organisation": ORGANISATION,
    "date_formed": DATE_FORMED,
    "document_number": DOCUMENT_NUMBER,
    "topic": TOPIC,
    "genre": GENRE,
    "subject_terms": SUBJECT_TERMS,
    "validity": VALIDITY,
    "validity_changed_on": VALIDITY_CHANGED,
    "disclosure_mode": DISCLOSURE_MODE,
    "disclosure_term": DISCLOSURE_TERM,
    "document_class": DOCUMENT_CLASS,
    "body": BODY,
}

VALIDITY_BY_LABEL = {str(label): value for value, label in Validity.choices}
MODE_BY_LABEL = {str(label): value for value, label in DisclosureMode.choices}
# Catalogues often write the term without 公开 (长期 / 定期 / 动态).
TERM_BY_LABEL = {str(label): value for value, label in DisclosureTerm.choices} | {
    str(label).removesuffix("公开"): value for value, label in DisclosureTerm.choices
}
# Old catalogues often say 规范性文件 without 行政.
CLASS_BY_LABEL = {str(label): value for value, label in DocumentClass.choices} | {"规范性文件": DocumentClass.NORMATIVE}
KINDS = ("csv", "xlsx")

_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)
_TOPIC_SEPARATOR = re.compile(r"\s*[›>＞]\s*")
_HTML_START = re.compile(r"^\s*<[a-zA-Z!/]")
_BLANK_LINE = re.compile(r"\n\s*\n")


# ---------------------------------------------------------------- results and errors


@dataclass(frozen=True)
class SourceRow:
    """One data row: its 1-based spreadsheet row number (the header is row 1) and cells by header."""

    number: int
    cells: dict[str, Any]


@dataclass(frozen=True, order=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"


class CatalogueImportError(Exception):
    """Base of the importer's refusals; the message is meant for the user, in Chinese."""


class UnreadableFile(CatalogueImportError):
    """The file cannot be read as a CSV or XLSX table."""


class ImportRefused(CatalogueImportError):
    """Validation found bad rows: nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class ImportResult:
    pages: list[PolicyDocumentPage] = field(default_factory=list)  # in file order

    @property
    def count(self) -> int:
        return len(self.pages)


# ---------------------------------------------------------------- reading


def kind_of(path: str | Path) -> str:
    """The kind of a file from its name (csv or xlsx); anything else is refused."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in KINDS:
        hint = "（旧版 .xls 请在 Excel 中另存为 .xlsx）" if suffix == "xls" else ""
        raise UnreadableFile(f"只能导入 .csv 或 .xlsx 文件，“{Path(path).name}”不是{hint}。")
    return suffix


def read_rows(path_or_file: str | Path | IO, kind: str) -> tuple[list[str], list[SourceRow]]:
    """The header (row 1) and every non-blank data row, numbered as the spreadsheet shows them."""
    kind = kind.lower().lstrip(".")
    if kind not in KINDS:
        raise UnreadableFile(f"只能导入 .csv 或 .xlsx 文件，不支持“{kind}”。")
    try:
        table = _csv_table(path_or_file) if kind == "csv" else _xlsx_table(path_or_file)
        numbered = list(enumerate(table, start=1))
    except UnicodeDecodeError:
        raise UnreadableFile("CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。") from None
    except (OSError, csv.Error, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as error:
        # A corrupt XLSX package surfaces as KeyError or ValueError from openpyxl.
        raise UnreadableFile(f"无法读取{kind.upper()}文件：{error}") from None
    if not numbered:
        return [], []
    header = [_text(cell).lstrip("\ufeff") for cell in numbered[0][1]]
    rows = []
    for number, cells in numbered[1:]:
        if all(_text(cell) == "" for cell in cells):
            continue  # spreadsheets often carry empty rows; their numbers still count
        padded = [restored(cell) for cell in cells] + [None] * (len(header) - len(cells))
        rows.append(SourceRow(number, {label: value for label, value in zip(header, padded, strict=False) if label}))
    return header, rows


def _csv_table(source: str | Path | IO) -> list[list[str]]:
    if isinstance(source, str | Path):
        data: bytes | str = Path(source).read_bytes()
    else:
        data = source.read()
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    # Records, not lines: a quoted 正文 may span several lines yet is one spreadsheet row.
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_table(source: str | Path | IO) -> Iterator[tuple]:
    workbook = load_workbook(source, read_only=True, data_only=True)
    try:
        # read_only iter_rows starts at row 1 and yields empty rows too, so counting gives row numbers.
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()  # read_only keeps the file open otherwise


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores every number as a float
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """A date from YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日 or an Excel date cell; None if empty."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for form in _DATE_FORMS:
        if match := form.fullmatch(text):
            return date(*(int(part) for part in match.groups()))  # ValueError for 2020-13-01
    raise ValueError(text)


def body_html(text: str) -> str:
    """Plain text → paragraphs, split on blank lines, escaped; legacy HTML (a cell
    that starts with a tag) is kept but sanitized with nh3 (core.security)."""
    if _HTML_START.match(text):
        return sanitize_html(text.strip())
    paragraphs = [p.strip() for p in _BLANK_LINE.split(text.replace("\r\n", "\n").replace("\r", "\n"))]
    return "".join(f"<p>{'<br>'.join(escape(line.strip()) for line in p.splitlines())}</p>" for p in paragraphs if p)


# ---------------------------------------------------------------- validation


@dataclass
class _Prepared:
    row: SourceRow
    page: PolicyDocumentPage
    index_number: str


class _Topics:
    """主题分类 by name: a top-level name, "一级 › 二级", or a second-level name that is unique."""

    def __init__(self) -> None:
        topics = list(Topic.objects.select_related("parent"))
        self.top = {t.name: t for t in topics if not t.parent_id}
        self.by_path = {(t.parent.name, t.name): t for t in topics if t.parent_id}
        self.children: dict[str, list[Topic]] = defaultdict(list)
        for t in topics:
            if t.parent_id:
                self.children[t.name].append(t)

    def resolve(self, text: str) -> Topic:
        parts = _TOPIC_SEPARATOR.split(text)
        if len(parts) == 2:
            if topic := self.by_path.get((parts[0], parts[1])):
                return topic
            raise ValueError(f"没有主题分类“{text}”")
        if len(parts) == 1:
            if topic := self.top.get(text):
                return topic
            matches = self.children.get(text, [])
            if len(matches) == 1:
                return matches[0]
            if matches:
                paths = "、".join(f"“{t}”" for t in matches)
                raise ValueError(f"主题分类“{text}”不唯一（{paths}），请写成“一级 › 二级”")
        raise ValueError(f"没有主题分类“{text}”")


class _Checker:
    """Checks rows one by one, remembering what earlier rows used (duplicates within the file)."""

    def __init__(self, rows: list[SourceRow], column: ColumnPage) -> None:
        self.topics = _Topics()
        self.organisations: dict[str, Organisation | None] = {}
        self.formats: dict[int, str] = {}
        self.today = timezone.localdate()
        values = {_text(row.cells.get(INDEX_NUMBER)) for row in rows} - {""}
        self.existing_values = dict(IndexNumber.objects.filter(value__in=values).values_list("value", "title"))
        self.seen_values: dict[str, int] = {}
        self.seen_serials: dict[tuple[int, int, int], tuple[int, str]] = {}
        titles = {_text(row.cells.get(TITLE)) for row in rows} - {""}
        self.existing_items = {
            (title, timezone.localdate(published), number)
            for title, published, number in ArticlePage.objects.child_of(column)
            .filter(title__in=titles)
            .values_list("title", "publication_date", "document_number")
        }
        self.seen_items: dict[tuple[str, date, str], int] = {}

    def organisation(self, text: str) -> Organisation | None:
        if text not in self.organisations:
            self.organisations[text] = resolve_organisation(text)
        return self.organisations[text]

    def check(self, row: SourceRow) -> tuple[_Prepared | None, dict[str, str]]:
        errors: dict[str, str] = {}
        value = {label: _text(row.cells.get(label)) for label in COLUMNS}

        def date_of(label: str) -> date | None:
            try:
                return parse_date(row.cells.get(label))
            except (ValueError, TypeError):
                errors[label] = f"“{value[label]}”不是有效日期（应如 2020-01-31、2020/01/31 或 2020年1月31日）"
                return None

        if not value[TITLE]:
            errors[TITLE] = "不能为空"
        published = date_of(PUBLISHED)
        if published is None and PUBLISHED not in errors:
            errors[PUBLISHED] = "不能为空"
        elif published and published > self.today:
            # Imports bring in what was already published; a future date would be a faked one.
            errors[PUBLISHED] = f"“{value[PUBLISHED]}”晚于今天"
        date_formed = date_of(DATE_FORMED)
        validity_changed_on = date_of(VALIDITY_CHANGED)

        organisation = None
        if value[ORGANISATION]:
            organisation = self.organisation(value[ORGANISATION])
            if organisation is None:
                errors[ORGANISATION] = f"没有名称、简称或机构代码为“{value[ORGANISATION]}”的机构"
        topic = None
        if value[TOPIC]:
            try:
                topic = self.topics.resolve(value[TOPIC])
            except ValueError as error:
                errors[TOPIC] = str(error)
        if value[GENRE] and value[GENRE] not in Genre.values:
            errors[GENRE] = f"“{value[GENRE]}”不是有效的体裁，可选：{'、'.join(Genre.values)}"
        validity = _choice(value, VALIDITY, VALIDITY_BY_LABEL, errors, default=Validity.EFFECTIVE)
        mode = _choice(value, DISCLOSURE_MODE, MODE_BY_LABEL, errors, default=DisclosureMode.PROACTIVE)
        term = _choice(value, DISCLOSURE_TERM, TERM_BY_LABEL, errors, default="")
        document_class = _choice(value, DOCUMENT_CLASS, CLASS_BY_LABEL, errors, default="")

        page = PolicyDocumentPage(
            title=value[TITLE],
            publication_date=timezone.make_aware(datetime.combine(published or self.today, time(0))),
            body=body_html(value[BODY]) or body_html(value[SUMMARY]) or f"<p>{escape(value[TITLE])}</p>",
            source=organisation.name[:100] if organisation else "",
            in_catalogue=True,
            summary=value[SUMMARY],
            issuing_organisation=organisation,
            date_formed=date_formed,
            document_number=normalise_document_number(value[DOCUMENT_NUMBER]),
            topic=topic,
            genre=value[GENRE] if GENRE not in errors else "",
            subject_terms=value[SUBJECT_TERMS],
            validity=validity,
            validity_changed_on=validity_changed_on,
            disclosure_mode=mode,
            disclosure_term=term,
            document_class=document_class,
            live=False,
        )
        # The model's own rules, on the unsaved page: field lengths and choices, then
        # the catalogue rules (发文字号 form, required fields per 公开方式, 成文日期 ≤ 发布日期).
        checked = set(FIELD_COLUMN) - {"issuing_organisation", "topic", "date_formed", "validity_changed_on"}
        others = [f.name for f in PolicyDocumentPage._meta.get_fields() if f.concrete and f.name not in checked]
        for check in (
            lambda: page.clean_fields(exclude=others),
            lambda: page.clean_catalogue_metadata(published_on=published),
        ):
            try:
                check()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    label = FIELD_COLUMN.get(name, name)
                    # One reason per cell: a bad date is not also reported as a missing one.
                    errors.setdefault(label, messages[0].rstrip("。"))

        index_number = value[INDEX_NUMBER]
        if index_number:
            self._check_index_number(row, index_number, organisation, errors)
        if TITLE not in errors and published:
            self._check_not_imported_twice(row, (page.title, published, page.document_number), errors)
        return (_Prepared(row, page, index_number) if not errors else None), errors

    def _check_index_number(
        self, row: SourceRow, value: str, organisation: Organisation | None, errors: dict[str, str]
    ) -> None:
        if value in self.existing_values:
            errors[INDEX_NUMBER] = f"索引号“{value}”已被“{self.existing_values[value]}”使用"
            return
        if value in self.seen_values:
            errors[INDEX_NUMBER] = f"索引号“{value}”与第{self.seen_values[value]}行重复"
            return
        self.seen_values[value] = row.number
        if organisation is None:
            return  # without 发布机构 (reported) the format cannot be checked
        if organisation.pk not in self.formats:
            self.formats[organisation.pk] = format_for(organisation)
        fmt = self.formats[organisation.pk]
        # The same check reserve_existing_index_number makes, done before anything is written.
        parsed = index_numbers.parse(fmt, value, org_code=organisation.index_code)
        if parsed is None:
            errors[INDEX_NUMBER] = f"索引号“{value}”不符合发布机构“{organisation}”的索引号格式“{fmt}”"
            return
        # Two spellings of one serial (00012 / 000012) would collide on (机构, 年份, 序号).
        key = (organisation.pk, *parsed)
        if key in self.seen_serials:
            errors[INDEX_NUMBER] = f"索引号“{value}”与第{self.seen_serials[key][0]}行的序号相同"
            return
        self.seen_serials[key] = (row.number, value)
        taken = IndexNumber.objects.filter(organisation=organisation, year=parsed[0], serial=parsed[1]).first()
        if taken:
            errors[INDEX_NUMBER] = f"索引号“{value}”与已有的索引号“{taken.value}”序号相同"

    def _check_not_imported_twice(self, row: SourceRow, item: tuple[str, date, str], errors: dict[str, str]) -> None:
        # Same title, date and 发文字号 in the same column: almost surely a file imported twice.
        if item in self.existing_items:
            errors[TITLE] = "栏目中已有同标题、同发布日期、同发文字号的信息（是否重复导入？）"
        elif item in self.seen_items:
            errors[TITLE] = f"与第{self.seen_items[item]}行的标题、发布日期、发文字号都相同"
        else:
            self.seen_items[item] = row.number


def _choice(value: dict[str, str], label: str, by_label: dict[str, str], errors: dict[str, str], default: str) -> str:
    text = value[label]
    if not text:
        return default
    if text in by_label:
        return by_label[text]
    errors[label] = f"“{text}”无效，可选：{'、'.join(by_label)}"
    return default


def _prepare(rows: list[SourceRow], target_column: ColumnPage) -> tuple[list[_Prepared], list[RowError]]:
    if not PolicyDocumentPage.can_create_at(target_column):
        raise ValueError(f"栏目“{target_column.title}”下不能创建政策文件。")
    present = set().union(*(row.cells for row in rows)) if rows else set()
    if rows and (missing := [label for label in REQUIRED_COLUMNS if label not in present]):
        return [], [RowError(1, label, "文件缺少这一列") for label in missing]
    checker = _Checker(rows, target_column)
    order = {label: n for n, label in enumerate(COLUMNS)}
    prepared, errors = [], []
    for row in rows:
        item, row_errors = checker.check(row)
        if item:
            prepared.append(item)
        for label in sorted(row_errors, key=lambda label: order.get(label, len(order))):
            errors.append(RowError(row.number, label, row_errors[label]))
    return prepared, errors


def validate_rows(rows: list[SourceRow], target_column: ColumnPage) -> list[RowError]:
    """Every problem of every row (the dry run); writes nothing."""
    return _prepare(rows, target_column)[1]


# ---------------------------------------------------------------- import


def import_rows(
    rows: list[SourceRow],
    target_column: ColumnPage,
    *,
    actor=None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> ImportResult:
    """Publish every row as a policy document under ``target_column``: all rows or none.

    Raises ImportRefused (with every RowError) before writing anything if a row is bad.
    """
    prepared, errors = _prepare(rows, target_column)
    if errors:
        raise ImportRefused(errors)
    # Kept index numbers are reserved first, so the numbers allocated to rows without
    # one continue after them instead of colliding; those follow publication date.
    kept = [item for item in prepared if item.index_number]
    new = sorted((item for item in prepared if not item.index_number), key=lambda i: i.page.publication_date)
    ordered = kept + new
    with transaction.atomic():
        # A fresh parent: treebeard places children from its in-memory child count.
        parent = ColumnPage.objects.get(pk=target_column.pk)
        for item in progress(ordered) if progress else ordered:
            page = item.page  # no slug: its save allocates tYYYYMMDD_N (cms.content.slugs)
            if actor is not None:
                page.owner = actor
            parent.add_child(instance=page)
            if item.index_number:
                # Before publishing, so the publish hook finds it and allocates nothing.
                reserve_existing_index_number(page, item.index_number, page.issuing_organisation)
            # Items already published (and reviewed) in the system they come from.
            with review_waived("导入原系统已发布的信息"):
                page.save_revision(user=actor).publish(user=actor)
    return ImportResult([item.page for item in prepared])
