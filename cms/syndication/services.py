"""一键推送 and 一键下架: the business actions, as plain functions.

Called alike by the admin views, the subsite-closure service, the benchmark and
the tests. Every action validates first, then does all its writes in one
transaction (a failure midway leaves everything as it was); cache purges, the
``takedown_changed`` signal and front-proxy purges run only after commit.

Concurrency: every action that reads or extends the push graph of a page first
locks that page's row (``SELECT … FOR UPDATE``). A push from an item and a
takedown reaching it therefore serialise, and a takedown re-reads the graph
after locking everything it found, until nothing new appears — so a push or an
acceptance that committed meanwhile is reached too (DESIGN §4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.log_actions import log
from wagtail.models import Page, Site

from cms.content.models import ArticlePage, ColumnPage
from sites.models import SiteStatus, SiteType

from .models import (
    ACTIVE_PUSH_STATUSES,
    ColumnPushSettings,
    PushDirection,
    PushMode,
    PushRecord,
    PushStatus,
    Takedown,
    TakedownKind,
    TakedownPage,
)
from .signals import takedown_changed

WITHDRAWN_IDS_KEY = "syndication:withdrawn-page-ids"
INFO_CENTER_GROUP = "信息中心"


class SyndicationError(ValidationError):
    """A push, decision, takedown or restore was refused; the message says why (in Chinese)."""


# --- sites and permissions ----------------------------------------------------


class SiteIndex:
    """Which site a page belongs to, for any number of pages, from one query."""

    def __init__(self) -> None:
        sites = Site.objects.select_related("root_page", "profile__organisation")
        # Longest root path first, so nested roots (none today) would still resolve correctly.
        self.roots = sorted(((s.root_page.url_path, s) for s in sites), key=lambda pair: -len(pair[0]))

    def site_of(self, page: Page) -> Site | None:
        for root_path, site in self.roots:
            if page.url_path.startswith(root_path):
                return site
        return None

    def path_in_site(self, page: Page, site: Site | None) -> str:
        if site is None:
            return page.url_path
        return "/" + page.url_path[len(site.root_page.url_path) :]


def site_label(site: Site | None) -> str:
    if site is None:
        return "（不属于任何网站）"
    return site.site_name or site.hostname


def unit_name(site: Site | None) -> str:
    """The unit (机构) a site speaks for: 来源 of pushed items."""
    profile = getattr(site, "profile", None) if site else None
    return profile.organisation.name if profile else site_label(site)


def is_info_center(user) -> bool:
    return bool(user and user.is_authenticated) and (
        user.is_superuser or user.groups.filter(name=INFO_CENTER_GROUP).exists()
    )


def can_take_down(user, item: Page) -> bool:
    """Site editors may take down what their own site published; the info center anything.

    Wagtail's page permissions already say this: per-site groups hold edit rights on
    their own subtree only, 信息中心 on the whole tree."""
    return bool(user and user.is_authenticated) and item.permissions_for_user(user).can_edit()


def can_decide(user, record: PushRecord) -> bool:
    """Only editors of the target site (who may add pages to the target column) accept or reject."""
    return bool(user and user.is_authenticated) and record.target_column.permissions_for_user(user).can_add_subpage()


def direction_between(source_site: Site | None, target_site: Site) -> str:
    source_type = getattr(getattr(source_site, "profile", None), "site_type", None)
    target_type = getattr(getattr(target_site, "profile", None), "site_type", None)
    if target_type == SiteType.PORTAL and source_type != SiteType.PORTAL:
        return PushDirection.UP
    if source_type == SiteType.PORTAL and target_type != SiteType.PORTAL:
        return PushDirection.DOWN
    return PushDirection.ACROSS


def active_takedown_page_ids(page_ids: Iterable[int]) -> set[int]:
    return set(TakedownPage.objects.filter(active=True, page_id__in=list(page_ids)).values_list("page_id", flat=True))


# --- push ----------------------------------------------------------------------


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


def push(source: Page, targets: Iterable[Page], mode: str, actor, note: str = "") -> list[PushOutcome]:
    """Push one published item to target columns in other sites.

    Each target gets a record: auto-accepted (published at once) when the column
    accepts this source site automatically, otherwise pending in the target's
    待采用 inbox. Targets that cannot take the push are refused one by one with a
    reason; if none can, nothing is written and ``SyndicationError`` lists why.
    """
    if mode not in PushMode.values:
        raise SyndicationError(f"未知的推送方式“{mode}”，可选：引用、复制。")
    target_ids = list(dict.fromkeys(page.pk for page in targets))
    if not target_ids:
        raise SyndicationError("请至少选择一个目标栏目。")

    with transaction.atomic():
        locked = Page.objects.select_for_update().filter(pk=source.pk).first()
        if locked is None:
            raise SyndicationError("要推送的信息不存在。")
        source = locked.specific
        if not isinstance(source, ArticlePage):
            raise SyndicationError(f"“{source.title}”不是信息页面，只能推送信息（文章）。")
        if not (actor and actor.is_authenticated and source.permissions_for_user(actor).can_edit()):
            raise PermissionDenied("您只能推送本网站的信息。")
        if not source.live:
            raise SyndicationError(f"“{source.title}”尚未发布，请先发布再推送。")
        if active_takedown_page_ids([source.pk]):
            raise SyndicationError(f"“{source.title}”已被下架，不能推送。")

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
                mode=mode,
                direction=direction_between(source_site, site),
                note=note.strip(),
                pushed_by=actor,
                pushed_at=now,
            )
            outcomes.append(PushOutcome(target=page, site=site, record=record))

        # One INSERT for every record, whatever the number of targets; only the
        # auto-accepted ones then cost a page each (alias or copy).
        PushRecord.objects.bulk_create([o.record for o in outcomes if o.ok])
        for outcome in outcomes:
            if outcome.ok and outcome.target.pk in auto_accept:
                _materialise(outcome.record, source, outcome.target, actor=None, auto=True)

        if not any(outcome.ok for outcome in outcomes):
            raise SyndicationError("；".join(outcome.summary for outcome in outcomes))
        log(
            instance=source,
            action="syndication.push",
            user=actor,
            data={
                "mode": mode,
                "targets": [o.target.pk for o in outcomes if o.ok],
                "refused": {o.target.pk: o.refused for o in outcomes if not o.ok},
            },
        )
        if any(o.ok and o.record.status == PushStatus.ACCEPTED for o in outcomes):
            transaction.on_commit(_pages_changed_everywhere)
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


def _materialise(record: PushRecord, source: ArticlePage, column: Page, *, actor, auto: bool) -> Page:
    """Create the alias or copy in the target column, published, and mark the record accepted."""
    slug = _free_slug(column, source.slug)
    if record.mode == PushMode.ALIAS:
        # Wagtail alias: stays identical and follows every later publish of the source.
        # Permission was checked above (the target's editors decide); the source
        # site's editors need no rights in the target for this.
        page = CreatePageAliasAction(source, parent=column, update_slug=slug, user=actor).execute(
            skip_permission_checks=True
        )
    else:
        # The copy is the target's own page; its catalogue entry stays with the
        # original (one index number per item), and it names where it came from.
        page = source.copy(
            to=column,
            update_attrs={
                "slug": slug,
                "in_catalogue": False,
                "source": source.source or unit_name(record.source_site),
            },
            keep_live=True,
            user=actor,
            copy_revisions=False,
        )
    record.status = PushStatus.ACCEPTED
    record.auto_accepted = auto
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.resulting_page = page
    record.save(update_fields=["status", "auto_accepted", "decided_by", "decided_at", "resulting_page"])
    log(instance=page, action="syndication.accept", user=actor, data={"push": record.pk, "auto": auto})
    return page


def _lock_pending(record: PushRecord, actor) -> tuple[PushRecord, Page]:
    # Same lock order as take_down: the source page first, then the record.
    source = Page.objects.select_for_update().filter(pk=record.source_id).first()
    record = PushRecord.objects.select_for_update().select_related("target_column", "source_site").get(pk=record.pk)
    if not can_decide(actor, record):
        raise PermissionDenied("只有目标网站的编辑才能处理这条推送。")
    if record.status != PushStatus.PENDING:
        raise SyndicationError(f"这条推送{record.get_status_display()}，不能再处理。")
    return record, source


def accept(record: PushRecord, actor) -> PushRecord:
    """采用: publish the pushed item in the target column (alias or copy)."""
    with transaction.atomic():
        record, source = _lock_pending(record, actor)
        # Accepting publishes in the target, so it takes the target's publishing right
        # (审核 and above); a plain 编辑 may see the inbox and reject, not publish.
        if not record.target_column.permissions_for_user(actor).can_publish_subpage():
            raise PermissionDenied("采用会直接发布信息，需要本站审核（发布）权限。")
        if source is None or not source.live:
            raise SyndicationError("原文已不再发布，不能采用。")
        if active_takedown_page_ids([source.pk]):
            raise SyndicationError("原文已被下架，不能采用。")
        _materialise(record, source.specific, record.target_column, actor=actor, auto=False)
        transaction.on_commit(_pages_changed_everywhere)
    return record


def reject(record: PushRecord, actor, reason: str) -> PushRecord:
    """退回, with a reason the sender sees."""
    reason = (reason or "").strip()
    if not reason:
        raise SyndicationError("请填写退回理由。")
    with transaction.atomic():
        record, _source = _lock_pending(record, actor)
        record.status = PushStatus.REJECTED
        record.reason = reason
        record.decided_by = actor
        record.decided_at = timezone.now()
        record.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        log(instance=record.source, action="syndication.reject", user=actor, data={"push": record.pk, "reason": reason})
    return record


# --- takedown --------------------------------------------------------------------


@dataclass
class TakedownPlan:
    """Everything one takedown reaches: pages (item, aliases, copies, recursively) and push records."""

    pages: list[Page] = field(default_factory=list)
    pushes: list[PushRecord] = field(default_factory=list)

    @property
    def page_ids(self) -> list[int]:
        return [page.pk for page in self.pages]


def plan_takedown(item: Page) -> TakedownPlan:
    """The item, every alias and every accepted copy of it, and so on recursively, plus
    every push record of any of them still pending or accepted. Two queries per level
    of re-pushing (not per page or site)."""
    seen: dict[int, None] = {item.pk: None}
    frontier = [item.pk]
    pushes: list[PushRecord] = []
    while frontier:
        # Withdrawn pushes still lead somewhere: an earlier takedown of a copy must not
        # hide that copy's own copies from a takedown of the original.
        records = list(
            PushRecord.objects.filter(
                source_id__in=frontier, status__in=[*ACTIVE_PUSH_STATUSES, PushStatus.WITHDRAWN]
            ).order_by("pk")
        )
        pushes.extend(records)
        reached = [r.resulting_page_id for r in records if r.resulting_page_id]
        reached += list(Page.objects.filter(alias_of_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in dict.fromkeys(reached) if pk not in seen]
        seen.update(dict.fromkeys(frontier))
    pages = {page.pk: page for page in Page.objects.filter(pk__in=list(seen))}
    return TakedownPlan(pages=[pages[pk] for pk in seen if pk in pages], pushes=pushes)


def _locked_plan(item: Page) -> TakedownPlan:
    plan = plan_takedown(item)
    while True:
        list(Page.objects.select_for_update().filter(pk__in=plan.page_ids).values_list("pk", flat=True))
        list(PushRecord.objects.select_for_update().filter(pk__in=[r.pk for r in plan.pushes]).values_list("pk"))
        again = plan_takedown(item)
        if set(again.page_ids) == set(plan.page_ids) and {r.pk for r in again.pushes} == {r.pk for r in plan.pushes}:
            return again
        plan = again


@dataclass
class TakedownResult:
    takedown: Takedown
    created: bool
    pages: list[TakedownPage]
    pushes_withdrawn: int = 0

    @property
    def summary(self) -> str:
        title = self.takedown.item_title
        if not self.created:
            when = timezone.localtime(self.takedown.created_at)
            return f"“{title}”已于{when:%Y-%m-%d %H:%M}下架，无需重复操作。"
        sites = {p.site_id for p in self.pages}
        kind = self.takedown.get_kind_display().split("（")[0]
        return (
            f"已{kind}“{title}”：涉及 {len(sites)} 个网站的 {len(self.pages)} 个页面，"
            f"撤回 {self.pushes_withdrawn} 条推送。"
        )


def take_down(
    item: Page, kind: str, reason: str, actor, *, replacement: Page | None = None, check_permission: bool = True
) -> TakedownResult:
    """一键下架: the item, every alias, every copy and every pending push, in every site.

    ``withdrawn`` keeps every page at its URL with a dated notice (listed nowhere);
    ``gone`` answers 410, ``redirect`` sends readers to ``replacement``, ``vanish``
    answers 404. Idempotent: a second call returns the live takedown unchanged.
    ``check_permission=False`` is for the cluster's own operations (closing a
    subsite from the command line), never for a user's request.
    """
    reason = (reason or "").strip()
    if kind not in TakedownKind.values:
        raise SyndicationError(f"未知的下架方式“{kind}”。")
    if not reason:
        raise SyndicationError("请填写下架理由。")
    if kind == TakedownKind.REDIRECT and replacement is None:
        raise SyndicationError("选择“跳转”时必须指定跳转目标页面。")
    if check_permission and not can_take_down(actor, item):
        raise PermissionDenied("您只能下架本网站发布的信息。")

    with transaction.atomic():
        item = Page.objects.select_for_update().get(pk=item.pk)
        existing = Takedown.objects.filter(item=item, restored_at__isnull=True).first()
        if existing is not None:
            return TakedownResult(existing, created=False, pages=list(existing.pages.all()))
        plan = _locked_plan(item)
        if replacement is not None:
            if replacement.pk in plan.page_ids:
                raise SyndicationError("替代页面不能是被下架的页面本身或其副本。")
            if not replacement.live:
                raise SyndicationError("替代页面尚未发布。")

        sites = SiteIndex()
        item_site = sites.site_of(item)
        takedown = Takedown.objects.create(
            item=item,
            item_title=item.title,
            site=item_site,
            kind=kind,
            reason=reason,
            replacement=replacement,
            actor=actor,
        )
        rows = []
        for page in plan.pages:
            site = sites.site_of(page)
            rows.append(
                TakedownPage(
                    takedown=takedown,
                    page=page,
                    site=site,
                    path=sites.path_in_site(page, site),
                    title=page.title,
                    was_live=page.live,
                )
            )
        rows = TakedownPage.objects.bulk_create(rows)
        if kind != TakedownKind.WITHDRAWN:
            # One UPDATE for every page: no live copy remains once this commits.
            Page.objects.filter(pk__in=plan.page_ids, live=True).update(live=False)
        withdrawn = 0
        push_ids = [r.pk for r in plan.pushes]
        for status in ACTIVE_PUSH_STATUSES:
            withdrawn += PushRecord.objects.filter(pk__in=push_ids, status=status).update(
                status=PushStatus.WITHDRAWN, status_before_takedown=status, takedown=takedown
            )
        log(
            instance=item,
            action="syndication.takedown",
            user=actor,
            data={"kind": kind, "reason": reason, "takedown": takedown.pk, "pages": plan.page_ids},
        )
        page_ids = plan.page_ids
        transaction.on_commit(lambda: after_pages_changed(page_ids))
    return TakedownResult(takedown, created=True, pages=rows, pushes_withdrawn=withdrawn)


def restore(item: Page, actor, reason: str) -> Takedown:
    """Undo the live takedown of ``item``: exactly the pages it took offline come back,
    except those another live takedown still holds; withdrawn pushes regain their status."""
    reason = (reason or "").strip()
    if not reason:
        raise SyndicationError("请填写恢复理由。")
    if not can_take_down(actor, item):
        raise PermissionDenied("您只能恢复本网站的信息。")
    with transaction.atomic():
        Page.objects.select_for_update().filter(pk=item.pk).first()
        takedown = Takedown.objects.select_for_update().filter(item=item, restored_at__isnull=True).first()
        if takedown is None:
            raise SyndicationError(f"“{item.title}”没有被下架，无需恢复。")
        rows = list(takedown.pages.all())
        page_ids = [row.page_id for row in rows]
        held = set(
            TakedownPage.objects.filter(active=True, page_id__in=page_ids)
            .exclude(takedown=takedown)
            .values_list("page_id", flat=True)
        )
        if takedown.kind != TakedownKind.WITHDRAWN:
            relive = [row.page_id for row in rows if row.was_live and row.page_id not in held]
            Page.objects.filter(pk__in=relive).update(live=True)
        takedown.pages.update(active=False)
        for status in ACTIVE_PUSH_STATUSES:
            takedown.withdrawn_pushes.filter(status_before_takedown=status).update(
                status=status, status_before_takedown="", takedown=None
            )
        takedown.restored_at = timezone.now()
        takedown.restored_by = actor
        takedown.restore_reason = reason
        takedown.save(update_fields=["restored_at", "restored_by", "restore_reason"])
        log(instance=item, action="syndication.restore", user=actor, data={"takedown": takedown.pk, "reason": reason})
        transaction.on_commit(lambda: after_pages_changed(page_ids))
    return takedown


def withdraw_site_pushes(site: Site, *, reason: str, actor=None) -> list[TakedownResult]:
    """When a subsite closes: withdraw (撤销) every item it pushed, wherever it was adopted.

    The closed site itself answers 410 anyway; this reaches the aliases, copies and
    pending pushes in other sites. Part of the caller's transaction."""
    sources = Page.objects.filter(
        pk__in=PushRecord.objects.filter(source_site=site, status__in=ACTIVE_PUSH_STATUSES).values("source_id")
    ).order_by("path")
    return [
        take_down(source, TakedownKind.WITHDRAWN, reason, actor, check_permission=False)
        for source in sources
        if not Takedown.objects.filter(item=source, restored_at__isnull=True).exists()
    ]


# --- after commit ------------------------------------------------------------------


def _pages_changed_everywhere() -> None:
    from sites.page_cache import bump_generation

    bump_generation()


def after_pages_changed(page_ids: list[int]) -> None:
    """Retire every cache that could still show these pages, and tell listeners (search)."""
    from core.cache import Scope, invalidate
    from sites.page_cache import bump_generation

    from .tasks import purge_front_caches

    cache.delete(WITHDRAWN_IDS_KEY)
    bump_generation()
    invalidate(Scope.CATALOGUE)
    purge_front_caches.enqueue(page_ids)
    takedown_changed.send(sender=Takedown, page_ids=list(page_ids))
