"""Template helpers of the letters' admin."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight_findings(text: str, findings: list[dict] | None) -> SafeString:
    """``text`` escaped, with every word-list hit (``Letter.findings``) wrapped in ``<mark>``."""
    words = sorted({f.get("what", "") for f in findings or [] if f.get("what")}, key=len, reverse=True)
    escaped = escape(text or "")
    if not words:
        return mark_safe(escaped)
    pattern = re.compile("|".join(re.escape(escape(word)) for word in words))
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))
