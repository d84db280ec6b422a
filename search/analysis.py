"""Chinese text analysis, used identically at index and at query time.

Wagtail's stock backends split Chinese into single characters (Elasticsearch)
or whole runs between punctuation (PostgreSQL), so neither finds 一网通办 in a
sentence. Here text is folded (full-width → half-width, traditional →
simplified, lower case), segmented with jieba's dictionary plus a government
one (``dictionary.txt`` and every organisation and site name of the cluster),
and stop words are dropped. Backends receive space-separated terms and never
segment again.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc
import rjieba

DICTIONARY = Path(__file__).with_name("dictionary.txt")
MAX_QUERY_LENGTH = 100

# Function words and particles that carry no meaning in a query (kept short on
# purpose: 公开, 通知 and the like are real search terms here).
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "等",
        "是",
        "在",
        "对",
        "为",
        "于",
        "把",
        "被",
        "将",
        "由",
        "从",
        "以",
        "之",
        "其",
        "这",
        "那",
        "也",
        "就",
        "都",
        "而",
        "并",
        "向",
        "给",
        "着",
        "个",
        "上",
        "下",
        "中",
        "有关",
        "关于",
        "进一步",
        "一些",
        "这个",
        "那个",
        "我们",
        "你们",
        "他们",
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "is",
        "are",
    ]
)
_WORD = re.compile(r"\w+")
_lock = threading.Lock()
_added_words: set[str] = set()


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _load_dictionary() -> None:
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            add_word(word)


def add_word(word: str) -> None:
    """Teach the segmenter a term (an organisation's or site's name, say)."""
    word = fold(word).strip()
    if not word or word in _added_words:
        return
    with _lock:
        rjieba.add_word(word, None, None)
        _added_words.add(word)


def fold(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, lower case."""
    return _converter().convert(unicodedata.normalize("NFKC", text or "")).lower()


def _words(text: str, search_mode: bool) -> list[str]:
    _load_dictionary()
    cut = rjieba.cut_for_search if search_mode else rjieba.cut
    terms: list[str] = []
    for token in cut(fold(text)):
        # Punctuation and spaces go; "2017-00110" becomes 2017 and 00110.
        terms.extend(term for term in _WORD.findall(token) if term not in STOP_WORDS)
    return terms


def index_terms(text: str) -> str:
    """The terms a document is indexed under, space-separated.

    First the precise segmentation, in order (so phrases match on positions),
    then the shorter words search mode finds inside long ones (集约 inside
    集约化), so a query for a part of a compound still finds it.
    """
    precise = _words(text, search_mode=False)
    seen = set(precise)
    extra = [term for term in _words(text, search_mode=True) if term not in seen and not seen.add(term)]
    return " ".join(precise + extra)


@dataclass(frozen=True)
class ParsedQuery:
    """A reader's query after analysis.

    ``groups`` is one entry per word the reader typed (precise segmentation);
    each entry lists the alternatives that satisfy it: the word itself, or all
    of its search-mode parts together (信息公开 ≈ 信息 + 公开). Every group must
    match. ``phrases`` are quoted parts, as term sequences that must be adjacent.
    """

    text: str
    groups: tuple[tuple[tuple[str, ...], ...], ...]
    phrases: tuple[tuple[str, ...], ...]

    @property
    def terms(self) -> list[str]:
        """Every distinct term, for highlighting."""
        seen: dict[str, None] = {}
        for group in self.groups:
            for alternative in group:
                seen.update(dict.fromkeys(alternative))
        for phrase in self.phrases:
            seen.update(dict.fromkeys(phrase))
        return list(seen)

    @property
    def segmented(self) -> str:
        """The query as the engine understood it, e.g. "一网通办 / 改革"."""
        words = [group[0][0] for group in self.groups] + ["“" + " ".join(p) + "”" for p in self.phrases]
        return " / ".join(words)

    def __bool__(self) -> bool:
        return bool(self.groups or self.phrases)


_QUOTED = re.compile(r"[\"“”「」『』]([^\"“”「」『』]+)[\"“”「」『』]")


def parse_query(raw: str) -> ParsedQuery:
    """Analyse a reader's query; any input gives a (possibly empty) query, never an error."""
    text = " ".join((raw or "").split())[:MAX_QUERY_LENGTH]
    phrases = []
    for match in _QUOTED.finditer(text):
        terms = tuple(_words(match.group(1), search_mode=False))
        if terms:
            phrases.append(terms)
    rest = _QUOTED.sub(" ", text)
    groups: dict[str, tuple[tuple[str, ...], ...]] = {}
    for word in _words(rest, search_mode=False):
        parts = tuple(part for part in _words(word, search_mode=True) if part != word)
        groups.setdefault(word, ((word,), parts) if parts else ((word,),))
    return ParsedQuery(text=text, groups=tuple(groups.values()), phrases=tuple(phrases))
