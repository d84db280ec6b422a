"""批量导入: unit accounts from an XLSX sheet, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.db import transaction

from .errors import AccountError
from .lifecycle import AccountRequest, check_may_manage, create_validated, validate_account_request

BULK_COLUMNS = ("用户名", "站点", "角色", "责任人", "电话", "邮箱")
BULK_FIELDS = ("username", "site", "role", "responsible_name", "responsible_phone", "email")
FIELD_FOR_COLUMN = dict(zip(BULK_COLUMNS, BULK_FIELDS, strict=True))
COLUMN_FOR_FIELD = {v: k for k, v in FIELD_FOR_COLUMN.items()}


@dataclass
class BulkResult:
    """Created accounts with their one-time passwords, or the rows' errors (then nothing was created)."""

    created: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def bulk_create_accounts(source: str | IO, *, actor=None) -> BulkResult:
    """All-or-nothing: every row is checked first; one bad row and no account is created,
    and the report lists every bad row (sheet row number, column, reason)."""
    from openpyxl import load_workbook

    result = BulkResult()
    try:
        check_may_manage(actor)
    except AccountError as error:
        result.errors.append((0, error.messages[0]))
        return result
    try:
        sheet = load_workbook(source, read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        result.errors.append((0, "文件无法读取：请上传 .xlsx 格式的表格。"))
        return result
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        result.errors.append((0, "表格是空的。"))
        return result
    header = [str(cell or "").strip() for cell in rows[0]]
    missing = [c for c in BULK_COLUMNS[:5] if c not in header]
    if missing:
        result.errors.append((1, f"表头缺少列：{'、'.join(missing)}（应为 {'、'.join(BULK_COLUMNS)}）。"))
        return result
    requests: list[AccountRequest] = []
    taken: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        values = {
            FIELD_FOR_COLUMN[name]: str(row[i] if i < len(row) and row[i] is not None else "").strip()
            for i, name in enumerate(header)
            if name in FIELD_FOR_COLUMN
        }
        if not any(values.values()):
            continue
        request = AccountRequest(**{"email": "", **values})
        for name, messages in validate_account_request(request, taken=taken).items():
            result.errors.extend((number, f"{COLUMN_FOR_FIELD[name]}：{m}") for m in messages)
        taken.add(request.username.lower())
        requests.append(request)
    if not requests and not result.errors:
        result.errors.append((0, "表格中没有账号。"))
    if result.errors:
        return result
    with transaction.atomic():
        for request in requests:
            user, password = create_validated(request, actor)
            result.created.append((user.username, password))
    return result
