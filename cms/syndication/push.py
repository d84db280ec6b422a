"""一键推送: push an item to other sites' columns; the target accepts (采用) or rejects (退回) it.

One action class each, in the shape of Wagtail's ``wagtail/actions``: ``check()``
raises a Chinese-message error (``SyndicationError`` or ``PermissionDenied``),
``execute()`` locks what it reads, checks, and does all its writes in one
transaction. The module-level functions are the short form most callers use.

Concurrency: an action that reads or extends the push graph of a page first
locks that page's row (``SELECT … FOR UPDATE``), in the same order as the
takedown (source page first, then records), so a push and a takedown of the
same item serialise (``takedown.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.log_actions import log
from wagtail.models import Page, Site

from cms.content.models import ArticlePage, ColumnPage
from core.forms import text_refusal
from core.publishing import review_waived
from sites.models import SiteStatus, SiteType
from sites.page_cache import change_tags, retire_after_commit

from .errors import SyndicationError
from .models import ACTIVE_PUSH_STATUSES, ColumnPushSettings, PushDirection, PushMode, PushRecord, PushStatus
from .permissions import can_accept, can_decide, can_push
from .selectors import SiteIndex, active_takedown_page_ids, site_label, unit_name


@dataclass
class PushOutcome:
    """What happened for one target column (the result summary shows one line each)."""

    target: Page
    site: Site | None
    record: PushRecord | None = None
    refused: str = ""

    @property
    def ok(self) -> bool:
        return self.record is not None

    @property
    def summary(self) -> str:
        where = f"{site_label(self.site)} · {self.target.title}"
        if self.refused:
            return f"{where}：未推送，{self.refused}"
        if self.record.status == PushStatus.ACCEPTED:
            return f"{where}：已自动采用并发布"
        return f"{where}：已推送，等待对方采用"


def direction_between(source_site: Site | None, target_site: Site) -> str:
    source_type = getattr(getattr(source_site, "profile", None), "site_type", None)
    target_type = getattr(getattr(target_site, "profile", None), "site_type", None)
    if target_type == SiteType.PORTAL and source_type != SiteType.PORTAL:
        return PushDirection.UP
    if source_type == SiteType.PORTAL and target_type != SiteType.PORTAL:
        return PushDirection.DOWN
    return PushDirection.ACROSS


class PushAction:
    """Push one published item to target columns in other sites.

    Each target gets a record: auto-accepted (published at once) when the column
    accepts this source site automatically, otherwise pending in the target's
    待采用 inbox. Targets that cannot take the push are refused one by one with a
    reason; if none can, nothing is written and ``SyndicationError`` lists why.
    """

    def __init__(self, source: Page, targets: Iterable[Page], mode: str, user, note: str = "") -> None:
        self.source = source
        self.target_ids = list(dict.fromkeys(page.pk for page in targets))
        self.mode = mode
        self.user = user
        self.note = (note or "").strip()

    def check(self, skip_permission_checks: bool = False) -> None:
        if self.mode not in PushMode.values:
            raise SyndicationError(f"未知的推送方式“{self.mode}”，可选：引用、复制。")
        if not self.target_ids:
            raise SyndicationError("请至少选择一个目标栏目。")
        if message := text_refusal(PushRecord, "note", self.note):
            raise SyndicationError(message)
        source = self.source.specific
        if not isinstance(source, ArticlePage):
            raise SyndicationError(f"“{source.title}”不是信息页面，只能推送信息（文章）。")
        if not skip_permission_checks and not can_push(self.user, source):
            raise PermissionDenied("您只能推送本网站的信息。")
        if not source.live:
            raise SyndicationError(f"“{source.title}”尚未发布，请先发布再推送。")
        if active_takedown_page_ids([source.pk]):
            raise SyndicationError(f"“{source.title}”已被下架，不能推送。")

    def execute(self, skip_permission_checks: bool = False) -> list[PushOutcome]:
        with transaction.atomic():
            locked = Page.objects.select_for_update().filter(pk=self.source.pk).first()
            if locked is None:
                raise SyndicationError("要推送的信息不存在。")
            self.source = locked.specific
            self.check(skip_permission_checks)  # under the lock: a takedown cannot slip in between
            outcomes = self._push()
        return outcomes

    def _push(self) -> list[PushOutcome]:
        source, target_ids = self.source, self.target_ids
        sites = SiteIndex()
        source_site = sites.site_of(source)
        columns = {c.pk: c for c in ColumnPage.objects.filter(pk__in=target_ids)}
        pages = {p.pk: p for p in Page.objects.filter(pk__in=target_ids)}
        settings_by_column = {s.column_id: s for s in ColumnPushSettings.objects.filter(column_id__in=target_ids)}
        auto_accept = set(
            ColumnPushSettings.auto_accept_from.through.objects.filter(
                columnpushsettings__column_id__in=target_ids, site=source_site
            ).values_list("columnpushsettings__column_id", flat=True)
        )
        already = set(
            PushRecord.objects.filter(
                source=source, target_column_id__in=target_ids, status__in=ACTIVE_PUSH_STATUSES
            ).values_list("target_column_id", flat=True)
        )

        outcomes: list[PushOutcome] = []
        now = timezone.now()
        for target_id in target_ids:
            page = columns.get(target_id) or pages.get(target_id)
            if page is None:
                raise SyndicationError("目标栏目不存在，请刷新后重试。")
            site = sites.site_of(page)
            refusal = _refusal(source, source_site, page, site, columns, settings_by_column, already)
            if refusal:
                outcomes.append(PushOutcome(target=page, site=site, refused=refusal))
                continue
            record = PushRecord(
                source=source,
                source_site=source_site,
                target_column=page,
                target_site=site,
                mode=self.mode,
                direction=direction_between(source_site, site),
                note=self.note,
                pushed_by=self.user,
                pushed_at=now,
            )
            outcomes.append(PushOutcome(target=page, site=site, record=record))

        if not any(outcome.ok for outcome in outcomes):
            raise SyndicationError("；".join(outcome.summary for outcome in outcomes))
        # One INSERT for every record, whatever the number of targets; only the
        # auto-accepted ones then cost a page each (alias or copy).
        PushRecord.objects.bulk_create([o.record for o in outcomes if o.ok])
        for outcome in outcomes:
            if outcome.ok and outcome.target.pk in auto_accept:
                _materialise(outcome.record, source, outcome.target, user=None, auto=True)
        log(
            instance=source,
            action="syndication.push",
            user=self.user,
            data={
                "mode": self.mode,
                "targets": [o.target.pk for o in outcomes if o.ok],
                "refused": {o.target.pk: o.refused for o in outcomes if not o.ok},
            },
        )
        return outcomes


def _refusal(source, source_site, page, site, columns, settings_by_column, already) -> str:
    if page.pk not in columns:
        return f"“{page.title}”不是栏目，只能推送到栏目。"
    if site is None:
        return "目标栏目不属于任何网站。"
    if source_site is not None and site.pk == source_site.pk:
        return "不能推送到本网站的栏目。"
    profile = getattr(site, "profile", None)
    if profile is not None and profile.status != SiteStatus.OPEN:
        return f"目标网站{profile.get_status_display()}，不能接收推送。"
    if not page.live:
        return "目标栏目未发布。"
    column_settings = settings_by_column.get(page.pk)
    if column_settings is not None and not column_settings.accepts_pushes:
        return "该栏目不接收推送。"
    if page.pk in already:
        return f"“{source.title}”已推送到该栏目，不能重复推送。"
    return ""


def _free_slug(column: Page, slug: str) -> str:
    taken = set(column.get_children().values_list("slug", flat=True))
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _create_in_target(record: PushRecord, source: ArticlePage, column: Page, slug: str, user) -> Page:
    if record.mode == PushMode.ALIAS:
        # Wagtail alias: stays identical and follows every later publish of the source.
        return CreatePageAliasAction(source, parent=column, update_slug=slug, user=user).execute(
            skip_permission_checks=True
        )
    # The copy is the target's own page; its catalogue entry stays with the
    # original (one index number per item), and it names where it came from.
    return CopyPageAction(
        source,
        to=column,
        update_attrs={
            "slug": slug,
            "in_catalogue": False,
            "source": source.source or unit_name(record.source_site),
        },
        keep_live=True,
        user=user,
        copy_revisions=False,
    ).execute(skip_permission_checks=True)


def _materialise(record: PushRecord, source: ArticlePage, column: Page, *, user, auto: bool) -> Page:
    """Create the alias or copy in the target column, published, and mark the record accepted.

    Permission was checked by the caller (the target's editors decide); the
    source site's editors need no rights in the target for this."""
    slug = _free_slug(column, source.slug)
    # The new page goes live carrying the source's live revision, which the guard checks
    # against the target's review rules (core.publishing, is_created_live). Acceptance is the
    # target's decision (can_accept: its publish right) or the column's standing one
    # (auto_accept_from), on content its own site reviewed: review is waived explicitly.
    with review_waived("采用推送的信息"):
        page = _create_in_target(record, source, column, slug, user)
    record.status = PushStatus.ACCEPTED
    record.auto_accepted = auto
    record.decided_by = user
    record.decided_at = timezone.now()
    record.resulting_page = page
    record.save(update_fields=["status", "auto_accepted", "decided_by", "decided_at", "resulting_page"])
    log(instance=page, action="syndication.accept", user=user, data={"push": record.pk, "auto": auto})
    # A new alias sends no page_published; the target column's listings change either way.
    retire_after_commit(*change_tags(page))
    return page


class _DecisionAction:
    """A decision on a pending push, by an editor of the target site."""

    def __init__(self, record: PushRecord, user) -> None:
        self.record = record
        self.user = user
        self.source: Page | None = None

    def _lock(self) -> None:
        # Same lock order as the takedown: the source page first, then the record.
        self.source = Page.objects.select_for_update().filter(pk=self.record.source_id).first()
        self.record = (
            PushRecord.objects.select_for_update().select_related("target_column", "source_site").get(pk=self.record.pk)
        )

    def check(self, skip_permission_checks: bool = False) -> None:
        if not skip_permission_checks and not can_decide(self.user, self.record):
            raise PermissionDenied("只有目标网站的编辑才能处理这条推送。")
        if self.record.status != PushStatus.PENDING:
            raise SyndicationError(f"这条推送{self.record.get_status_display()}，不能再处理。")


class AcceptPushAction(_DecisionAction):
    """采用: publish the pushed item in the target column (alias or copy)."""

    def check(self, skip_permission_checks: bool = False) -> None:
        super().check(skip_permission_checks)
        # A plain 编辑 may see the inbox and reject, not publish.
        if not skip_permission_checks and not can_accept(self.user, self.record):
            raise PermissionDenied("采用会直接发布信息，需要本站审核（发布）权限。")
        if self.source is None or not self.source.live:
            raise SyndicationError("原文已不再发布，不能采用。")
        if active_takedown_page_ids([self.source.pk]):
            raise SyndicationError("原文已被下架，不能采用。")

    def execute(self, skip_permission_checks: bool = False) -> PushRecord:
        with transaction.atomic():
            self._lock()
            self.check(skip_permission_checks)
            _materialise(self.record, self.source.specific, self.record.target_column, user=self.user, auto=False)
        return self.record


class RejectPushAction(_DecisionAction):
    """退回, with a reason the sender sees."""

    def __init__(self, record: PushRecord, user, reason: str) -> None:
        super().__init__(record, user)
        self.reason = (reason or "").strip()

    def check(self, skip_permission_checks: bool = False) -> None:
        if message := text_refusal(PushRecord, "reason", self.reason):
            raise SyndicationError(message)
        if not self.reason:
            raise SyndicationError("请填写退回理由。")
        super().check(skip_permission_checks)

    def execute(self, skip_permission_checks: bool = False) -> PushRecord:
        with transaction.atomic():
            self._lock()
            self.check(skip_permission_checks)
            record = self.record
            record.status = PushStatus.REJECTED
            record.reason = self.reason
            record.decided_by = self.user
            record.decided_at = timezone.now()
            record.save(update_fields=["status", "reason", "decided_by", "decided_at"])
            log(
                instance=record.source,
                action="syndication.reject",
                user=self.user,
                data={"push": record.pk, "reason": self.reason},
            )
        return record


def push(source: Page, targets: Iterable[Page], mode: str, actor, note: str = "") -> list[PushOutcome]:
    return PushAction(source, targets, mode, actor, note).execute()


def accept(record: PushRecord, actor) -> PushRecord:
    return AcceptPushAction(record, actor).execute()


def reject(record: PushRecord, actor, reason: str) -> PushRecord:
    return RejectPushAction(record, actor, reason).execute()
