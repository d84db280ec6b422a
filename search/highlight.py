"""Snippets with the query's terms marked, made from the stored plain text.

Matching is on folded text (traditional → simplified, full-width → half-width,
lower case): the folding keeps every character in place, so positions found in
the folded text mark the original one.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import fold

SNIPPET_CHARS = 120


def _pattern(terms: list[str]) -> re.Pattern | None:
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms)) if terms else None


def _mark(text: str, pattern: re.Pattern | None) -> SafeString:
    if pattern is None:
        return escape(text)
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length (rare ligatures): mark nothing
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(folded):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece escaped above


def highlight_title(title: str, terms: list[str]) -> SafeString:
    return _mark(title, _pattern(terms))


def snippet(text: str, terms: list[str], length: int = SNIPPET_CHARS) -> SafeString:
    """About ``length`` characters around the first matched term, with terms marked."""
    pattern = _pattern(terms)
    start = 0
    if pattern is not None and (match := pattern.search(fold(text))):
        start = max(0, match.start() - length // 3)
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(prefix + _mark(piece, pattern) + suffix)
