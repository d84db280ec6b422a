"""Plain text of rich text: for feed descriptions, search documents and summaries."""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags
from django.utils.text import Truncator

_WHITESPACE = re.compile(r"\s+")
# Block ends become spaces so paragraphs do not run together once tags are stripped.
_BLOCK_END = re.compile(r"<(?:/p|br|/h[1-6]|/li|/div)\b[^>]*>", re.IGNORECASE)


def plain_text(rich_text: str, limit: int) -> str:
    """The first ``limit`` characters of rich text, without tags or entities."""
    text = _WHITESPACE.sub(" ", html.unescape(strip_tags(_BLOCK_END.sub(" ", rich_text)))).strip()
    return Truncator(text).chars(limit)
