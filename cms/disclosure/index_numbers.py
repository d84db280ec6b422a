"""Index-number (索引号) formats: render, validate and parse.

Formats differ between governments, so each organisation may choose one
(DESIGN §3). A format is a Python format string over ``org_code``, ``year``,
``serial`` and optionally ``category`` (the letter of the item's top-level topic,
as in the 11-character 信息索取号 scheme ``A0012001001`` = A · 001 · 2001 · 001).
"""

from __future__ import annotations

import re
import string

from django.core.exceptions import ValidationError

NATIONAL = "{org_code}/{year}-{serial:05d}"  # 000014349/2017-00110
HYPHENATED = "{org_code}-{year}-{serial:06d}"  # 01527918X-2020-153077
CATEGORY_LETTER = "{category}{org_code}{year}{serial:03d}"  # A0012001001
DEFAULT_FORMAT = NATIONAL
FORMAT_CHOICES = [
    (NATIONAL, "全国通用：机构代码/年份-5位序号（000014349/2017-00110）"),
    (HYPHENATED, "连字符：机构代码-年份-6位序号（01527918X-2020-153077）"),
    (CATEGORY_LETTER, "分类号：类别字母+机构代码+年份+3位序号（A0012001001）"),
]
FIELDS = {"org_code", "year", "serial", "category"}
REQUIRED_FIELDS = {"org_code", "year", "serial"}


def _fields(fmt: str) -> list[tuple[str, str | None, str | None]]:
    return [(literal, name, spec) for literal, name, spec, _ in string.Formatter().parse(fmt)]


def validate_format(fmt: str) -> None:
    """A format must name org code, year and serial, and nothing unknown."""
    try:
        names = {name for _, name, _ in _fields(fmt) if name is not None}
    except ValueError as error:
        raise ValidationError(f"索引号格式“{fmt}”无法解析：{error}") from None
    if unknown := names - FIELDS:
        raise ValidationError(f"索引号格式含未知字段：{'、'.join(sorted(unknown))}。")
    if missing := REQUIRED_FIELDS - names:
        raise ValidationError(f"索引号格式必须包含 {'、'.join('{' + m + '}' for m in sorted(missing))}。")
    try:
        render(fmt, org_code="0", year=2000, serial=1, category="A")
    except (ValueError, IndexError) as error:  # e.g. a serial spec that is not an integer format
        raise ValidationError(f"索引号格式“{fmt}”无法解析：{error}") from None


def render(fmt: str, *, org_code: str, year: int, serial: int, category: str = "") -> str:
    return fmt.format(org_code=org_code, year=year, serial=serial, category=category)


def parse(fmt: str, value: str, *, org_code: str) -> tuple[int, int] | None:
    """(year, serial) of ``value`` if it is in ``fmt`` for this organisation, else None."""
    pattern = []
    for literal, name, spec in _fields(fmt):
        pattern.append(re.escape(literal))
        if name == "org_code":
            pattern.append(re.escape(org_code))
        elif name == "year":
            pattern.append(r"(?P<year>\d{4})")
        elif name == "serial":
            width = int(re.sub(r"\D", "", spec or "") or 1)
            pattern.append(rf"(?P<serial>\d{{{width},}})")
        elif name == "category":
            pattern.append(r"[A-Z]?")
    match = re.fullmatch("".join(pattern), value)
    return (int(match["year"]), int(match["serial"])) if match else None
