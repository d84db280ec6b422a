"""The automatic content checks (自动检查) run on a submitted revision.

Word lists are matched with one Aho-Corasick automaton (``pyahocorasick``):
one pass over the text whatever the number of words. The automaton is built
once per process and rebuilt only when a list changes (the ``core.cache`` scope
``WORD_LISTS``, retired by ``handlers.py``), so every worker notices a change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import ahocorasick
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page

from core.cache import Scope, generation, invalidate, invalidate_after_commit
from sites.models import Organisation

from .models import AllowedPhrase, ProtectedTerm, SensitiveWord, Severity, TermCategory, TypoPair, WordCategory

KIND_LABELS = {
    "sensitive": "敏感词",
    "protected": "规范用语",
    "typo": "错别字",
    "link": "链接",
    "accessibility": "无障碍",
    "metadata": "公开目录字段",
    "date": "发布日期",
    "organisation": "发布机构",
    "error": "检查出错",
}
# Marks an allowed phrase (放行短语) in the automaton: not a finding, a span where words are not reported.
ALLOWED = "allowed"
CONTEXT_CHARS = 20
# At most this many occurrences of one word are reported per field: the editor
# needs to see where it is, not a hundred identical lines.
MAX_OCCURRENCES = 5
# Text fields of any page type that readers see; rich text is reduced to text.
TEXT_FIELDS = (
    "title",
    "subtitle",
    "seo_title",
    "search_description",
    "source",
    "author",
    "keywords",
    "summary",
    "subject_terms",
    "intro",
    "body",
)


@dataclass
class Finding:
    """One problem: what (kind, the matched text), where (field and surrounding text) and why."""

    kind: str
    severity: str
    what: str
    field: str
    why: str
    before: str = ""
    after: str = ""

    def as_dict(self) -> dict:
        return asdict(self) | {"kind_label": KIND_LABELS[self.kind]}


@dataclass(frozen=True)
class Entry:
    kind: str
    severity: str
    why: str


class Matcher:
    """Every word of the three lists in one automaton; a word may carry several entries."""

    def __init__(self, words: dict[str, list[Entry]]):
        self.size = len(words)
        self._automaton = ahocorasick.Automaton()
        for word, entries in words.items():
            self._automaton.add_word(word, (len(word), tuple(entries)))
        if words:
            self._automaton.make_automaton()

    def find(self, text: str):
        """Yield (start, end, word entries) for every occurrence, overlapping ones included."""
        if not self.size or not text:
            return
        for end, (length, entries) in self._automaton.iter(text):
            yield end - length + 1, end + 1, entries

    @classmethod
    def from_lists(cls, sensitive, protected, typos, allowed=()) -> Matcher:
        words: dict[str, list[Entry]] = {}
        for phrase in allowed:
            words.setdefault(phrase, []).append(Entry(ALLOWED, "", ""))
        for word, category, severity, note in sensitive:
            why = f"“{word}”属于{WordCategory(category).label}类敏感词。" + (f"{note}" if note else "")
            words.setdefault(word, []).append(Entry("sensitive", severity, why))
        for correct, category, severity, variants in protected:
            label = TermCategory(category).label
            for variant in variants:
                why = f"“{variant}”是“{correct}”（{label}）的错误写法，应写作“{correct}”。"
                words.setdefault(variant, []).append(Entry("protected", severity, why))
        for wrong, correct, severity in typos:
            words.setdefault(wrong, []).append(Entry("typo", severity, f"“{wrong}”疑为错别字，应为“{correct}”。"))
        return cls(words)


_matcher: tuple[str, Matcher] | None = None


def invalidate_matcher() -> None:
    """A list changed: every process rebuilds its automaton on its next check — at once, and
    again when the change commits (a process that rebuilt in between read the old lists)."""
    invalidate(Scope.WORD_LISTS)
    invalidate_after_commit(Scope.WORD_LISTS)


def get_matcher() -> Matcher:
    global _matcher
    version = generation(Scope.WORD_LISTS)
    if _matcher is None or _matcher[0] != version:
        matcher = Matcher.from_lists(
            SensitiveWord.objects.values_list("word", "category", "severity", "note"),
            [(t.correct, t.category, t.severity, t.variants) for t in ProtectedTerm.objects.all()],
            TypoPair.objects.values_list("wrong", "correct", "severity"),
            AllowedPhrase.objects.values_list("phrase", flat=True),
        )
        _matcher = (version, matcher)
    return _matcher[1]


class _RichTextReader(HTMLParser):
    """Wagtail's stored rich text → plain text, plus the links, images and headings in it."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "hr"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.page_links: list[tuple[int, str]] = []
        self.document_links: list[tuple[int, str]] = []
        self.external_links: list[tuple[str, str]] = []  # (address, link text): http(s) only
        self.images_without_alt: list[str] = []
        self.empty_headings: list[str] = []
        self._link: tuple[str, int, list[str]] | None = None
        self._heading: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("linktype") in ("page", "document") and (attrs.get("id") or "").isdigit():
            self._link = (attrs["linktype"], int(attrs["id"]), [])
        elif tag == "a" and not attrs.get("linktype") and _is_web_address(attrs.get("href") or ""):
            self._link = ("external", attrs["href"].strip(), [])
        elif tag == "embed" and attrs.get("embedtype") == "image" and not (attrs.get("alt") or "").strip():
            self.images_without_alt.append(self._tail())
        elif tag in self.HEADINGS:
            self._heading = (tag, [])

    def handle_endtag(self, tag):
        if tag == "a" and self._link:
            kind, target, text = self._link
            if kind == "external":
                self.external_links.append((target, "".join(text)))
            else:
                (self.page_links if kind == "page" else self.document_links).append((target, "".join(text)))
            self._link = None
        elif tag in self.HEADINGS and self._heading:
            if not "".join(self._heading[1]).strip():
                self.empty_headings.append(self._tail())
            self._heading = None
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)
        if self._link:
            self._link[2].append(data)
        if self._heading:
            self._heading[1].append(data)

    def _tail(self) -> str:
        return "".join(self.parts)[-CONTEXT_CHARS:].strip()

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()


def _is_web_address(href: str) -> bool:
    """An absolute http(s) address: what the external link checker may look at (not mailto:, tel:, a path)."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _field_label(page: Page, name: str) -> str:
    try:
        return str(page._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def check_words(text: str, field: str, matcher: Matcher) -> list[Finding]:
    findings: list[Finding] = []
    seen: dict[tuple[str, str], int] = {}
    matches = list(matcher.find(text))
    allowed = [(start, end) for start, end, entries in matches if any(e.kind == ALLOWED for e in entries)]
    for start, end, entries in matches:
        if any(a <= start and end <= b for a, b in allowed):
            continue  # inside a phrase the info center allowed
        word = text[start:end]
        for entry in entries:
            key = (entry.kind, word)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > MAX_OCCURRENCES:
                continue
            findings.append(
                Finding(
                    entry.kind,
                    entry.severity,
                    word,
                    field,
                    entry.why,
                    before=text[max(0, start - CONTEXT_CHARS) : start].replace("\n", " "),
                    after=text[end : end + CONTEXT_CHARS].replace("\n", " "),
                )
            )
    return findings


# Word-list findings a reviewer may judge false positives (放行); the other kinds are defects to fix.
OVERRIDABLE_KINDS = ("sensitive", "protected", "typo")


@dataclass
class TextCheck:
    """What the text fields of one page hold: word and accessibility findings, and the links in its rich text
    as (target id, link text, field label); the external ones as (address, link text, field label)."""

    findings: list[Finding]
    page_links: list[tuple[int, str, str]]
    document_links: list[tuple[int, str, str]]
    external_links: list[tuple[str, str, str]] = field(default_factory=list)


def check_text_fields(values: dict[str, object], page_or_model, matcher: Matcher | None) -> TextCheck:
    """The word lists and the rich-text checks over ``values`` (field name → stored value) of a page
    or a page model: no query, so already published pages can be checked in bulk (cms.monitoring).
    ``matcher`` None: only the rich text is read (its links, for cms.linkcheck), no word lists."""
    result = TextCheck([], [], [])
    for name in TEXT_FIELDS:
        value = values.get(name)
        if not isinstance(value, str) or not value:
            continue
        label = _field_label(page_or_model, name)
        if "<" in value:  # rich text
            reader = _RichTextReader()
            reader.feed(value)
            reader.close()
            text = reader.text
            result.page_links += [(pk, text_, label) for pk, text_ in reader.page_links]
            result.document_links += [(pk, text_, label) for pk, text_ in reader.document_links]
            result.external_links += [(url, text_, label) for url, text_ in reader.external_links]
            result.findings += [
                Finding(
                    "accessibility",
                    Severity.BLOCK,
                    "图片",
                    label,
                    "正文图片缺少替代文字（alt），读屏软件无法朗读。",
                    before=tail,
                )
                for tail in reader.images_without_alt
            ]
            result.findings += [
                Finding(
                    "accessibility",
                    Severity.WARN,
                    "空标题",
                    label,
                    "正文中有空的标题，读屏软件会读出无内容的标题。",
                    before=tail,
                )
                for tail in reader.empty_headings
            ]
        else:
            text = value
        if matcher is not None:
            result.findings += check_words(text, label, matcher)
    return result


def check_page(
    page: Page, *, matcher: Matcher | None = None, overrides: dict[tuple[str, str], str] | None = None
) -> list[Finding]:
    """Every check on one page object (usually ``revision.as_object()``). Block findings first.

    ``overrides``: (kind, what) → reason of a reviewer's 放行 on this page; such a block
    finding is reported as a reminder carrying the reason."""
    matcher = matcher or get_matcher()
    text = check_text_fields({name: getattr(page, name, None) for name in TEXT_FIELDS}, page, matcher)
    findings, page_links, document_links = text.findings, text.page_links, text.document_links

    for attachment in _attachments(page):
        title = (attachment.title or "").strip()
        if title:
            findings += check_words(title, "附件名称", matcher)
        else:
            findings.append(
                Finding("accessibility", Severity.BLOCK, "附件", "附件", "附件没有名称，读者无法知道文件内容。")
            )
    if getattr(page, "cover_image_id", None) and not (getattr(page, "cover_image_alt", "") or "").strip():
        findings.append(Finding("accessibility", Severity.BLOCK, "封面图片", "封面", "封面图片缺少替代文字。"))

    findings += _check_links(page_links, document_links)
    findings += _check_metadata(page)
    findings += _check_date(page)
    findings += _check_organisation(page)
    for finding in findings:
        reason = (overrides or {}).get((finding.kind, finding.what))
        if reason is not None and finding.severity == Severity.BLOCK:
            finding.severity = Severity.WARN
            finding.why += f"（审核人已放行：{reason}）"
    findings.sort(key=lambda f: f.severity != Severity.BLOCK)
    return findings


def _attachments(page: Page) -> list:
    relation = getattr(page, "attachments", None)
    return list(relation.all()) if relation is not None else []


def _check_links(page_links, document_links) -> list[Finding]:
    findings = []
    if page_links:
        pages = {
            p["id"]: p
            for p in Page.objects.filter(id__in={pk for pk, _, _ in page_links}).values("id", "live", "title")
        }
        for pk, text, field in page_links:
            target = pages.get(pk)
            if target is None:
                why = "链接指向的页面已被删除。"
            elif not target["live"]:
                why = f"链接指向的页面“{target['title']}”未发布或已下线。"
            else:
                continue
            findings.append(Finding("link", Severity.BLOCK, text or "（无文字链接）", field, why))
    if document_links:
        existing = set(
            get_document_model().objects.filter(id__in={pk for pk, _, _ in document_links}).values_list("id", flat=True)
        )
        for pk, text, field in document_links:
            if pk not in existing:
                findings.append(
                    Finding("link", Severity.BLOCK, text or "（无文字链接）", field, "链接指向的文件已被删除。")
                )
            elif not text.strip():
                findings.append(Finding("accessibility", Severity.WARN, "文件链接", field, "文件链接没有文字说明。"))
    return findings


def _check_metadata(page: Page) -> list[Finding]:
    """The catalogue rules of ``cms/disclosure/metadata.py``, reported instead of raised."""
    clean = getattr(page, "clean_catalogue_metadata", None)
    if clean is None:
        return []
    published_on = timezone.localdate(page.publication_date) if getattr(page, "publication_date", None) else None
    try:
        clean(published_on=published_on)
    except ValidationError as error:
        return [
            Finding("metadata", Severity.BLOCK, _field_label(page, name), "信息公开", message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _check_organisation(page: Page) -> list[Finding]:
    """An item attributed to an organisation that answers neither for its column nor for its site
    (another unit's): a reminder, since publishing for another unit is sometimes intended."""
    organisation_id = getattr(page, "issuing_organisation_id", None)
    column = page.get_parent().specific if organisation_id and page.path else None
    if not hasattr(column, "responsible_organisation_ids"):  # only items of a column
        return []
    expected = column.responsible_organisation_ids()
    if not expected or organisation_id in expected:
        return []
    names = dict(Organisation.objects.filter(pk__in=[organisation_id, *expected]).values_list("pk", "name"))
    name = names.get(organisation_id, "")
    owners = "、".join(names[pk] for pk in expected if pk in names)
    return [
        Finding(
            "organisation",
            Severity.WARN,
            name,
            _field_label(page, "issuing_organisation"),
            f"发布机构“{name}”不是本栏目的责任单位（{owners}），请确认是否代其他单位发布。",
        )
    ]


def backdate_tolerance() -> timedelta:
    return timedelta(days=getattr(settings, "WORKFLOW_BACKDATE_TOLERANCE_DAYS", 3))


def _check_date(page: Page) -> list[Finding]:
    """伪造发稿日期 (a fail-outright inspection item): a first publication dated further back than the tolerance.

    A page already published keeps its date; only a changed, earlier date is reported.
    """
    when = getattr(page, "publication_date", None)
    if when is None:
        return []
    tolerance = backdate_tolerance()
    if when >= timezone.now() - tolerance:
        return []
    if page.first_published_at is not None:
        live = type(page).objects.filter(pk=page.pk).values_list("publication_date", flat=True).first()
        if live is not None and when >= live:
            return []
    return [
        Finding(
            "date",
            Severity.BLOCK,
            f"{timezone.localtime(when):%Y-%m-%d %H:%M}",
            _field_label(page, "publication_date"),
            f"发布时间早于当前时间超过 {tolerance.days} 天，可能被认定为伪造发稿日期；请改为实际发布时间。",
        )
    ]
