"""The facts the inspection rules read, for many sites at once in a fixed number of queries.

``collect_facts(sites)`` reads every column with its newest listed item and whether anything
is listed beneath it (one query, subqueries per row), the home pages' block columns (two
queries per site: ``HomePage.home_blocks``, the one definition of what a home page shows),
the letters (two queries), every published page's text (one streamed query per page table)
with the reviewers' 放行 (one), the targets of the links in it (three) and the link checker's
stored results of its external links (one, ``cms.linkcheck``), and the manual entries (one).
Nothing here grows with the number of pages but the rows read.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from cms.content.models import ArticlePage, ColumnPage, HomePage
from cms.content.navigation import beneath_outer, content_below
from cms.content.visibility import publicly_listed
from cms.disclosure.models import DisclosureInfoPage, InterpretationPage, PolicyDocumentPage
from cms.letters.models import OPEN_STATES, Letter
from cms.letters.selectors import Today
from cms.linkcheck.results import UrlResult, results_by_url
from cms.syndication.models import TakedownPage
from cms.syndication.selectors import exclude_taken_down
from cms.workflow.checks import (
    TEXT_FIELDS,
    Finding,
    TextCheck,
    backdate_tolerance,
    check_text_fields,
    get_matcher,
)
from cms.workflow.models import CheckOverride, CheckReport
from core.cache import Scope, generation
from sites.models import SiteProfile

from .models import ManualEntry

# How many causes of one kind a site keeps: the board links to them, the message gives the total.
MAX_CAUSES = 200
VOLUME_DAYS = 30  # 信息发布: the volume counted over this many days (rules.PublishingVolumeRule)
INTERPRETATION_DAYS = 365  # 解读回应: the policies of this many days are looked at (rules.InterpretationRule)


@dataclass(frozen=True)
class Cause:
    kind: str  # "page" or "letter"
    id: int
    title: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "title": self.title}


@dataclass(frozen=True)
class ColumnFact:
    id: int
    title: str
    column_type: str
    interval: int | None  # days within which it must be updated (``ColumnPage.expected_update_interval``)
    newest: datetime | None  # its newest publicly listed item (sub-columns included), not dated in the future
    has_content: bool  # anything but a column publicly listed beneath it
    is_container: bool  # it has publicly listed sub-columns: their items are its content

    @property
    def cause(self) -> Cause:
        return Cause("page", self.id, self.title)

    def days_since_update(self, today: date) -> int | None:
        return None if self.newest is None else (today - timezone.localdate(self.newest)).days


@dataclass(frozen=True)
class TextFinding:
    page: Cause
    finding: Finding


@dataclass(frozen=True)
class BrokenLink:
    page: Cause
    on_home_page: bool
    text: str
    why: str


@dataclass(frozen=True)
class ExternalLinkFact:
    page: Cause
    on_home_page: bool
    url: str
    text: str
    result: UrlResult | None  # None: not checked yet (cms.linkcheck)


@dataclass(frozen=True)
class OpenLetter:
    id: int
    number: str
    subject: str
    received_on: date
    is_overdue: bool

    @property
    def cause(self) -> Cause:
        return Cause("letter", self.id, f"{self.number or ''} {self.subject}".strip())


@dataclass
class SiteFacts:
    site_id: int
    today: date
    columns: list[ColumnFact] = field(default_factory=list)
    home_columns: list[ColumnFact] = field(default_factory=list)
    open_letters: list[OpenLetter] = field(default_factory=list)  # past the 60-day guard or overdue
    overdue_letters: int = 0
    guard_letters: int = 0
    text_findings: list[TextFinding] = field(default_factory=list)
    faked_dates: list[tuple[Cause, str]] = field(default_factory=list)
    broken_links: list[BrokenLink] = field(default_factory=list)
    external_links: list[ExternalLinkFact] = field(default_factory=list)
    manual: list[ManualEntry] = field(default_factory=list)  # the latest entry of each indicator
    letters_available: bool = True  # the 互动交流 capability (cms.letters) is installed
    site_type: str | None = None  # SiteProfile.site_type (None for a site without a profile)
    published_recently: int = 0  # items dated within the last VOLUME_DAYS days (not in the future)
    # 政策文件 of the last INTERPRETATION_DAYS with the days since their publication, and no 政策解读
    uninterpreted: list[tuple[Cause, int]] = field(default_factory=list)


def _scope(root_paths: Iterable[str], prefix: str = "") -> Q:
    condition = Q()
    for path in root_paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


class SiteOfPath:
    """Which of the sites a tree path belongs to (site roots never nest)."""

    def __init__(self, sites: Sequence[Site]):
        self.by_root = {site.root_page.path: site.pk for site in sites}
        self.lengths = sorted({len(path) for path in self.by_root})

    def __call__(self, path: str) -> int | None:
        for length in self.lengths:
            site_id = self.by_root.get(path[:length])
            if site_id is not None:
                return site_id
        return None


def collect_facts(sites: Sequence[Site], now: datetime | None = None) -> dict[int, SiteFacts]:
    """The facts of each of ``sites`` (with ``root_page`` selected), by site id."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    facts = {site.pk: SiteFacts(site.pk, today) for site in sites}
    if not sites:
        return facts
    site_of = SiteOfPath(sites)
    roots = list(site_of.by_root)
    columns = _columns(roots, site_of, now, facts)
    _home_columns(sites, columns, facts)
    _letters(sites, today, facts)
    _published_text(site_of, now, facts)
    _interpretations(roots, site_of, now, facts)
    for site_id, site_type in SiteProfile.objects.filter(site__in=sites).values_list("site_id", "site_type"):
        facts[site_id].site_type = site_type
    for entry in ManualEntry.objects.filter(site__in=sites).select_related("entered_by"):
        kept = facts[entry.site_id].manual
        if all(other.indicator != entry.indicator for other in kept):  # newest first: the first is the latest
            kept.append(entry)
    return facts


def _columns(roots, site_of, now, facts) -> dict[int, ColumnFact]:
    newest = publicly_listed(beneath_outer(ArticlePage.objects.all())).filter(publication_date__lte=now)
    rows = list(
        publicly_listed(ColumnPage.objects.filter(_scope(roots)))
        .annotate(
            newest=Subquery(newest.order_by("-publication_date").values("publication_date")[:1]),
            has_content=content_below(),
        )
        .order_by("path")
        .values("id", "title", "path", "column_type", "update_interval_days", "newest", "has_content")
    )
    paths = {row["path"] for row in rows}
    parents = {path[: -Page.steplen] for path in paths}
    by_id = {}
    for row in rows:
        # The one rule of which columns must be updated how often: ColumnPage.expected_update_interval.
        interval = ColumnPage(
            column_type=row["column_type"], update_interval_days=row["update_interval_days"]
        ).expected_update_interval
        column = ColumnFact(
            id=row["id"],
            title=row["title"],
            column_type=row["column_type"],
            interval=interval,
            newest=row["newest"],
            has_content=row["has_content"],
            is_container=row["path"] in parents,
        )
        by_id[column.id] = column
        site_id = site_of(row["path"])
        if site_id is not None:
            facts[site_id].columns.append(column)
    return by_id


def _home_columns(sites, columns, facts) -> None:
    homes = HomePage.objects.in_bulk([site.root_page_id for site in sites])
    for site in sites:
        home = homes.get(site.root_page_id)
        if home is not None:
            shown = [columns.get(column.pk) for column, _count in home.home_blocks()]
            facts[site.pk].home_columns = [column for column in shown if column is not None]


def _letters(sites, today, facts) -> None:
    """Open letters written to the site or handled by it: both answer for it at an inspection."""
    now = Today.now(today)
    site_ids = [site.pk for site in sites]
    open_letters = Letter.objects.filter(Q(site_id__in=site_ids) | Q(unit_id__in=site_ids), state__in=OPEN_STATES)
    rows = open_letters.values("site_id", "unit_id").annotate(
        n_overdue=Count("pk", filter=now.overdue()), n_guard=Count("pk", filter=now.past_guard())
    )
    for row in rows.order_by():
        for site_id in {row["site_id"], row["unit_id"]} & set(site_ids):
            facts[site_id].overdue_letters += row["n_overdue"]
            facts[site_id].guard_letters += row["n_guard"]
    listed = (
        open_letters.filter(now.overdue() | now.past_guard())
        .order_by("received_at", "pk")
        .values("id", "number", "subject", "site_id", "unit_id", "received_at", "due_date")
    )
    for row in listed:
        letter = OpenLetter(
            id=row["id"],
            number=row["number"] or "",
            subject=row["subject"],
            received_on=timezone.localdate(row["received_at"]),
            is_overdue=row["due_date"] < today,
        )
        for site_id in {row["site_id"], row["unit_id"]} & set(site_ids):
            if len(facts[site_id].open_letters) < MAX_CAUSES:
                facts[site_id].open_letters.append(letter)


# The published page tables whose text readers see, with the fields of TEXT_FIELDS each has.
def _text_sources():
    for model in (ArticlePage, ColumnPage, HomePage, DisclosureInfoPage):
        names = {f.name for f in model._meta.get_fields()}
        yield model, [name for name in TEXT_FIELDS if name in names]


def published_rows(
    site_of: SiteOfPath, *, dated: bool = False, containing: str | None = None
) -> Iterator[tuple[int, type[Page], dict]]:
    """(site id, page model, row) of every live page of the sites, taken-down ones left out, from
    one streamed query per page table: a row holds ``id``, ``path`` and the page's TEXT_FIELDS;
    ``dated`` adds an article's dates and whether it went through the automatic check;
    ``containing`` keeps only the pages one of whose text fields contains that string."""
    roots = list(site_of.by_root)
    for model, names in _text_sources():
        pages = exclude_taken_down(model.objects.live().filter(_scope(roots)))
        if containing:
            pages = pages.filter(_any_contains(names, containing))
        extra = []
        if dated and model is ArticlePage:
            # Only pages that went through the automatic check can have faked their date there:
            # imported and seeded items keep the dates of their source.
            pages = pages.annotate(checked=Exists(CheckReport.objects.filter(page_id=OuterRef("pk"))))
            extra = ["publication_date", "first_published_at", "checked"]
        for row in pages.values("id", "path", *names, *extra).iterator(chunk_size=2000):
            site_id = site_of(row["path"])
            if site_id is not None:
                yield site_id, model, row


def _any_contains(names: Sequence[str], text: str) -> Q:
    condition = Q()
    for name in names:
        condition |= Q(**{f"{name}__contains": text})
    return condition


# What the word lists and the rich-text reader find in a page's text depends only on that text,
# its page type (the field labels) and the lists: held in the cache under all three, so a daily
# recompute parses only the pages whose text changed since (or all, once the lists change).
TEXT_RESULT_SECONDS = 30 * 24 * 3600
TEXT_BATCH = 2000


def _text_key(version: str, model: type[Page], names: Sequence[str], row: dict) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for name in names:
        digest.update(str(row.get(name) or "").encode())
        digest.update(b"\0")
    return f"monitoring:text:{version}:{model._meta.label_lower}:{digest.hexdigest()}"


def _checked_texts(rows: Iterable[tuple[int, type[Page], dict]]) -> Iterator[tuple[int, type[Page], dict, TextCheck]]:
    """Each row with ``check_text_fields`` of its text: from the cache, or checked now and stored."""
    matcher, version = get_matcher(), generation(Scope.WORD_LISTS)
    names = dict(_text_sources())
    rows = iter(rows)
    while batch := list(islice(rows, TEXT_BATCH)):
        keys = [_text_key(version, model, names[model], row) for _site, model, row in batch]
        held = cache.get_many(set(keys))
        fresh: dict[str, TextCheck] = {}
        for (site_id, model, row), key in zip(batch, keys, strict=True):
            text = held.get(key) or fresh.get(key)
            if text is None:
                text = fresh[key] = check_text_fields(row, model, matcher)
            yield site_id, model, row, text
        if fresh:
            cache.set_many(fresh, TEXT_RESULT_SECONDS)


def _published_text(site_of, now, facts) -> None:
    """Re-run the workflow's word and rich-text checks over every published page of the sites:
    the lists change after publication. Also the faked dates and the links in the text."""
    roots = list(site_of.by_root)
    overrides: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for page_id, kind, what in CheckOverride.objects.filter(_scope(roots, "page__")).values_list(
        "page_id", "kind", "what"
    ):
        overrides[page_id].add((kind, what))
    home_ids = {page_id for page_id in Page.objects.filter(path__in=roots).values_list("pk", flat=True)}
    links: list[tuple[int, Cause, int, str, bool]] = []  # site, page, target, text, on home
    documents: list[tuple[int, Cause, int, str, bool]] = []
    external: list[tuple[int, Cause, str, str, bool]] = []  # site, page, address, text, on home
    tolerance = backdate_tolerance()
    recent = now - timedelta(days=VOLUME_DAYS)
    for site_id, model, row, text in _checked_texts(published_rows(site_of, dated=True)):
        site = facts[site_id]
        cause = Cause("page", row["id"], row["title"])
        allowed = overrides.get(row["id"], set())
        for finding in text.findings:
            if finding.kind in ("sensitive", "protected", "typo") and (finding.kind, finding.what) not in allowed:
                site.text_findings.append(TextFinding(cause, finding))
        on_home = row["id"] in home_ids
        links += [(site_id, cause, pk, label, on_home) for pk, label, _field in text.page_links]
        documents += [(site_id, cause, pk, label, on_home) for pk, label, _field in text.document_links]
        external += [(site_id, cause, url, label, on_home) for url, label, _field in text.external_links]
        if model is ArticlePage:
            if row["publication_date"] is not None and recent <= row["publication_date"] <= now:
                site.published_recently += 1
            faked = _faked_date(row, now, tolerance, allowed)
            if faked:
                site.faked_dates.append((cause, faked))
    _resolve_links(links, documents, facts)
    _external_links(external, facts)


def _interpretations(roots, site_of, now, facts) -> None:
    """The 政策文件 dated within the last INTERPRETATION_DAYS that no public 政策解读 explains (one query)."""
    interpreted = publicly_listed(InterpretationPage.objects.filter(interprets=OuterRef("pk")))
    policies = (
        publicly_listed(PolicyDocumentPage.objects.filter(_scope(roots)))
        .filter(publication_date__gte=now - timedelta(days=INTERPRETATION_DAYS), publication_date__lte=now)
        .annotate(interpreted=Exists(interpreted))
        .filter(interpreted=False)
        .order_by("publication_date")
        .values_list("id", "path", "title", "publication_date")
    )
    for pk, path, title, published in policies:
        site_id = site_of(path)
        if site_id is not None:
            days = (timezone.localdate(now) - timezone.localdate(published)).days
            facts[site_id].uninterpreted.append((Cause("page", pk, title), days))


def _faked_date(row: dict, now: datetime, tolerance: timedelta, allowed: set) -> str | None:
    """伪造发稿日期: dated in the future (it would stand first on the home page), or dated earlier
    than its first publication by more than the workflow's tolerance without a reviewer's 放行."""
    when, first = row["publication_date"], row["first_published_at"]
    if when is None:
        return None
    if timezone.localdate(when) > timezone.localdate(now):
        return f"发布时间 {timezone.localtime(when):%Y-%m-%d} 晚于今天"
    stamp = f"{timezone.localtime(when):%Y-%m-%d %H:%M}"
    if row["checked"] and first is not None and when < first - tolerance and ("date", stamp) not in allowed:
        return f"发布时间 {timezone.localtime(when):%Y-%m-%d} 早于实际发布（{timezone.localtime(first):%Y-%m-%d}）"
    return None


def _resolve_links(links, documents, facts) -> None:
    """A link to a page deleted, unpublished or taken down, or to a deleted file, is broken (three queries)."""
    targets = {pk for _s, _c, pk, _t, _h in links}
    if targets:
        live = dict(Page.objects.filter(pk__in=targets).values_list("pk", "live"))
        taken_down = set(
            TakedownPage.objects.filter(active=True, page_id__in=targets).values_list("page_id", flat=True)
        )
        for site_id, cause, pk, label, on_home in links:
            if pk not in live:
                why = "链接指向的页面已被删除"
            elif pk in taken_down:
                why = "链接指向的页面已被下架"
            elif not live[pk]:
                why = "链接指向的页面未发布或已下线"
            else:
                continue
            facts[site_id].broken_links.append(BrokenLink(cause, on_home, label, why))
    files = {pk for _s, _c, pk, _t, _h in documents}
    if files:
        existing = set(get_document_model().objects.filter(pk__in=files).values_list("pk", flat=True))
        for site_id, cause, pk, label, on_home in documents:
            if pk not in existing:
                facts[site_id].broken_links.append(BrokenLink(cause, on_home, label, "链接指向的文件已被删除"))


def _external_links(external, facts) -> None:
    """The links to other web sites with the link checker's stored result of each address (one query)."""
    results = results_by_url({url for _s, _c, url, _t, _h in external})
    for site_id, cause, url, label, on_home in external:
        facts[site_id].external_links.append(ExternalLinkFact(cause, on_home, url, label, results.get(url)))
