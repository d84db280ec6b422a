"""一键下架 and its restore: the item, every alias, every copy and every pending push, in every site.

Actions in the shape of Wagtail's ``wagtail/actions``: ``check()`` raises a
Chinese-message error, ``execute()`` does the work in one transaction.

A takedown takes effect when its transaction commits: from then on its
``TakedownPage`` rows make every page it reached answer as taken down (410,
redirect, 404 or the withdrawal notice — ``wagtail_hooks.serve_taken_down`` for
pages still live, the middleware for offline ones), listed nowhere
(``selectors.exclude_taken_down``), out of search (``signals.takedown_changed``)
and refused by the publish guard. The pages then go offline, and on restore come
back, through Wagtail's own unpublish and publish — its signals, audit log, alias
cascade and ``frontend_cache`` purge — in a background task
(``complete_takedown``/``complete_restore``): page by page, that work
grows with the number of copies (about 25 queries each), and a request that
reaches a whole cluster must not wait for it.

Concurrency: the item's row is locked, the graph read, every page and record
found locked, and the graph read again until it is stable — so a push or an
acceptance that committed meanwhile is reached too (DESIGN §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import Page, Site

from cms.disclosure.metadata import CATALOGUE_TAG
from core.cache import Scope, invalidate_after_commit
from core.forms import text_refusal
from core.publishing import review_waived
from sites.page_cache import change_tags, retire_after_commit

from .errors import SyndicationError
from .models import ACTIVE_PUSH_STATUSES, PushRecord, PushStatus, Takedown, TakedownKind, TakedownPage
from .permissions import TAKE_DOWN_ANYWHERE, can_restore, can_take_down
from .selectors import SiteIndex
from .signals import takedown_changed


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
    every push record of any of them. Two queries per level of re-pushing (not per
    page or site); pages in that order (the item first, sources before their aliases)."""
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


NOT_AN_ITEM = "一键下架只能下架信息；栏目和网站首页不能下架，整个网站请使用“关停”。"


def is_content_item(page: Page) -> bool:
    """What 一键下架 takes down: an item (a page type that takes no subpages — 信息, 政策文件 …),
    never a column or a site's home page (closing the site is the route for a whole site),
    nor a page with pages under it other than its own aliases."""
    model = page.specific_class
    if page.is_root() or model is None or model.allowed_subpage_models():
        return False
    if Site.objects.filter(root_page_id=page.pk).exists():
        return False
    return not page.get_children().exclude(alias_of_id=page.pk).exists()


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


def _after_commit(takedown: Takedown, page_ids: list[int]) -> None:
    """The takedown or restore is in effect at commit: retire what was read before it
    (the served set, rendered pages, catalogue counts), tell search, and leave the
    Wagtail unpublish or publish of every page to a background task."""
    restored = takedown.restored_at is not None
    invalidate_after_commit(Scope.TAKEDOWNS, Scope.CATALOGUE)
    # Every copy and alias, and every list showing one, in this cache and at the front proxies.
    pages = Page.objects.filter(pk__in=page_ids).only("pk", "path", "depth", "numchild")
    retire_after_commit(CATALOGUE_TAG, *(tag for page in pages for tag in change_tags(page)))
    transaction.on_commit(
        lambda: takedown_changed.send(sender=Takedown, page_ids=list(page_ids), restored=restored), robust=True
    )
    if takedown.kind != TakedownKind.WITHDRAWN:
        # The task enqueued in this transaction: a database queue sees it only once
        # the takedown has committed; the default backend runs it right after commit.
        (complete_restore if restored else complete_takedown).enqueue(takedown.pk)


class TakeDownAction:
    """一键下架 ``item`` everywhere it was pushed.

    ``withdrawn`` keeps every page at its URL with a dated notice (listed nowhere);
    ``gone`` answers 410, ``redirect`` sends readers to ``replacement``, ``vanish``
    answers 404 — each of these unpublishes every live page it reaches (Wagtail's
    ``UnpublishPageAction``). Idempotent: a second call returns the live takedown
    unchanged. ``skip_permission_checks`` is for the cluster's own operations
    (closing a subsite from the command line), never for a user's request.
    """

    def __init__(self, item: Page, kind: str, reason: str, user, *, replacement: Page | None = None) -> None:
        self.item = item
        self.kind = kind
        self.reason = (reason or "").strip()
        self.user = user
        self.replacement = replacement

    def check(self, skip_permission_checks: bool = False) -> None:
        if self.kind not in TakedownKind.values:
            raise SyndicationError(f"未知的下架方式“{self.kind}”。")
        if not self.reason:
            raise SyndicationError("请填写下架理由。")
        if message := text_refusal(Takedown, "reason", self.reason):
            raise SyndicationError(message)
        if self.kind == TakedownKind.REDIRECT and self.replacement is None:
            raise SyndicationError("选择“跳转”时必须指定跳转目标页面。")
        if not is_content_item(self.item):
            raise SyndicationError(NOT_AN_ITEM)
        if not skip_permission_checks and not can_take_down(self.user, self.item):
            raise PermissionDenied("您只能下架本网站的信息，且需要本站的发布（审核）权限。")

    def _check_replacement(self, plan: TakedownPlan) -> None:
        if self.replacement is None:
            return
        if self.replacement.pk in plan.page_ids:
            raise SyndicationError("替代页面不能是被下架的页面本身或其副本。")
        if not self.replacement.live:
            raise SyndicationError("替代页面尚未发布。")

    def execute(self, skip_permission_checks: bool = False) -> TakedownResult:
        self.check(skip_permission_checks)
        # The cluster's own operations count as the info center's: a site does not undo them.
        by_info_center = skip_permission_checks or self.user.has_perm(TAKE_DOWN_ANYWHERE)
        with transaction.atomic():
            item = Page.objects.select_for_update().get(pk=self.item.pk)
            existing = Takedown.objects.filter(item=item, restored_at__isnull=True).first()
            if existing is not None:
                return TakedownResult(existing, created=False, pages=list(existing.pages.all()))
            plan = _locked_plan(item)
            self._check_replacement(plan)
            return self._take_down(item, plan, by_info_center)

    def _take_down(self, item: Page, plan: TakedownPlan, by_info_center: bool) -> TakedownResult:
        sites = SiteIndex()
        takedown = Takedown.objects.create(
            item=item,
            item_title=item.title,
            site=sites.site_of(item),
            kind=self.kind,
            reason=self.reason,
            replacement=self.replacement,
            actor=self.user,
            by_info_center=by_info_center,
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
                    live_revision_id=page.live_revision_id,
                )
            )
        # From here on the publish guard refuses these pages.
        rows = TakedownPage.objects.bulk_create(rows)
        withdrawn = 0
        push_ids = [r.pk for r in plan.pushes]
        for status in ACTIVE_PUSH_STATUSES:
            withdrawn += PushRecord.objects.filter(pk__in=push_ids, status=status).update(
                status=PushStatus.WITHDRAWN, status_before_takedown=status, takedown=takedown
            )
        log(
            instance=item,
            action="syndication.takedown",
            user=self.user,
            data={"kind": self.kind, "reason": self.reason, "takedown": takedown.pk, "pages": plan.page_ids},
        )
        _after_commit(takedown, plan.page_ids)
        return TakedownResult(takedown, created=True, pages=rows, pushes_withdrawn=withdrawn)


@task()
def complete_takedown(takedown_id: int) -> int:
    """Take offline, through Wagtail's unpublish, the pages a live takedown still holds
    live (the background part of ``TakeDownAction``). One transaction on the locked
    takedown row, so a restore waits for it or it sees the restore; idempotent: run
    again (a retried task), it finds nothing left. Returns the pages unpublished."""
    with transaction.atomic():
        takedown = Takedown.objects.select_for_update().filter(pk=takedown_id, restored_at__isnull=True).first()
        if takedown is None or takedown.kind == TakedownKind.WITHDRAWN:
            return 0
        ids = list(takedown.pages.filter(active=True).order_by("pk").values_list("page_id", flat=True))  # plan order
        live = {page.pk: page for page in Page.objects.select_for_update().filter(pk__in=ids, live=True).specific()}
        unpublished = 0
        for page_id in ids:
            page = live.get(page_id)
            # Wagtail unpublishes a page's live aliases with it (recursively), so an
            # alias whose source goes offline here is left to that.
            if page is not None and page.alias_of_id not in live:
                # Our own permission rule was checked by the action: the item's publish
                # right, or take_down_anywhere; aliases and copies elsewhere go with it.
                UnpublishPageAction(page, user=takedown.actor).execute(skip_permission_checks=True)
                unpublished += 1
        # The served set lists live pages only: these have left it.
        invalidate_after_commit(Scope.TAKEDOWNS)
        return unpublished


class RestoreAction:
    """Undo the live takedown of ``item``: exactly the pages it took offline come back,
    except those another live takedown still holds; withdrawn pushes regain their status.

    Each page comes back through Wagtail's publish of the revision that was live
    (aliases follow their source through Wagtail's ``update_aliases``)."""

    def __init__(self, item: Page, user, reason: str) -> None:
        self.item = item
        self.user = user
        self.reason = (reason or "").strip()

    def check(self, skip_permission_checks: bool = False, takedown: Takedown | None = None) -> None:
        if not self.reason:
            raise SyndicationError("请填写恢复理由。")
        if message := text_refusal(Takedown, "restore_reason", self.reason):
            raise SyndicationError(message)
        takedown = takedown or Takedown.objects.filter(item=self.item, restored_at__isnull=True).first()
        if takedown is None:
            raise SyndicationError(f"“{self.item.title}”没有被下架，无需恢复。")
        if not skip_permission_checks and not can_restore(self.user, takedown):
            raise PermissionDenied("您只能恢复本网站下架的信息；信息中心下架的信息只能由信息中心恢复。")

    def execute(self, skip_permission_checks: bool = False) -> Takedown:
        with transaction.atomic():
            Page.objects.select_for_update().filter(pk=self.item.pk).first()
            takedown = Takedown.objects.select_for_update().filter(item=self.item, restored_at__isnull=True).first()
            self.check(skip_permission_checks, takedown)  # on the locked row
            rows = list(takedown.pages.order_by("pk"))  # the plan's order: sources before their aliases
            page_ids = [row.page_id for row in rows]
            # Inactive first, in this transaction: the publish guard (taken_down_stays_down)
            # then lets these pages go live again, and only these.
            takedown.pages.update(active=False)
            takedown.restored_at = timezone.now()
            takedown.restored_by = self.user
            takedown.restore_reason = self.reason
            takedown.save(update_fields=["restored_at", "restored_by", "restore_reason"])
            for status in ACTIVE_PUSH_STATUSES:
                takedown.withdrawn_pushes.filter(status_before_takedown=status).update(
                    status=status, status_before_takedown="", takedown=None
                )
            log(
                instance=self.item,
                action="syndication.restore",
                user=self.user,
                data={"takedown": takedown.pk, "reason": self.reason},
            )
            _after_commit(takedown, page_ids)
        return takedown


@task()
def complete_restore(takedown_id: int) -> int:
    """Bring back, through Wagtail's publish, the pages a restored takedown took offline
    (the background part of ``RestoreAction``); pages another live takedown holds stay
    down. One transaction on the locked takedown row; idempotent. Returns the pages
    published again."""
    with transaction.atomic():
        takedown = Takedown.objects.select_for_update().filter(pk=takedown_id, restored_at__isnull=False).first()
        if takedown is None or takedown.kind == TakedownKind.WITHDRAWN:
            return 0
        rows = list(takedown.pages.order_by("pk"))  # the plan's order: sources before their aliases
        list(Page.objects.select_for_update().filter(pk__in=[row.page_id for row in rows]).values_list("pk"))
        return _Republish(takedown.restored_by).run(rows)


class _Republish:
    def __init__(self, user) -> None:
        self.user = user

    def run(self, rows: list[TakedownPage]) -> int:
        held = set(
            TakedownPage.objects.filter(active=True, page_id__in=[row.page_id for row in rows]).values_list(
                "page_id", flat=True
            )
        )
        relive = [row for row in rows if row.was_live and row.page_id not in held]
        published = 0
        # Each revision brought back is the one that was live before the takedown: it
        # passed review (or was exempt from it) when it first went live, and restore
        # publishes no new content. The review rule would refuse it nonetheless where
        # it was published without a workflow (a copy made on acceptance, content
        # imported or seeded), so the waiver is explicit here; the takedown rule still
        # applies, so pages another takedown holds stay down.
        with review_waived("恢复已下架的信息"):
            for row in relive:
                page = Page.objects.filter(pk=row.page_id, live=False).specific().first()
                if page is None:
                    continue  # live again already: an alias whose source came back
                if page.alias_of_id:
                    self._republish_alias(page)
                else:
                    self._republish_page(page, row)
                published += 1
        # Wagtail's publish brings every alias of a page back with it; those that were
        # offline before the takedown stay offline (held ones: handlers.keep_held_alias_offline).
        for page in Page.objects.filter(pk__in=[row.page_id for row in rows if not row.was_live], live=True).specific():
            UnpublishPageAction(page, user=self.user, log_action=False).execute(skip_permission_checks=True)
        return published

    def _republish_page(self, page: Page, row: TakedownPage) -> None:
        revision = row.live_revision
        if revision is None:
            # Live without a revision (created live, e.g. by provisioning): the row
            # still holds the content that was live; record it as a revision to publish.
            revision = page.save_revision(user=self.user, changed=False, clean=False, log_action=False)
        PublishPageRevisionAction(revision, user=self.user, changed=False, log_action="syndication.republish").execute(
            skip_permission_checks=True
        )

    def _republish_alias(self, alias: Page) -> None:
        source = alias.alias_of.specific
        if not source.live:
            return  # an alias shows its source: it comes back when the source does
        # Only this alias (and the aliases of it): the source's other aliases are as they are.
        others = list(source.aliases.exclude(pk=alias.pk).values_list("pk", flat=True))
        source.update_aliases(revision=source.live_revision, _updated_ids=others)


class WithdrawSitePushesAction:
    """When a subsite closes: withdraw (撤销) every item it pushed, wherever it was adopted.

    The closed site itself answers 410 anyway; this reaches the aliases, copies and
    pending pushes in other sites. The cluster's own operation (no user permission
    applies); part of the caller's transaction."""

    def __init__(self, site: Site, reason: str, user=None) -> None:
        self.site = site
        self.reason = reason
        self.user = user

    def check(self) -> None:
        if not (self.reason or "").strip():
            raise SyndicationError("请填写撤销理由。")

    def execute(self) -> list[TakedownResult]:
        self.check()
        with transaction.atomic():
            sources = Page.objects.filter(
                pk__in=PushRecord.objects.filter(source_site=self.site, status__in=ACTIVE_PUSH_STATUSES).values(
                    "source_id"
                )
            ).order_by("path")
            return [
                TakeDownAction(source, TakedownKind.WITHDRAWN, self.reason, self.user).execute(
                    skip_permission_checks=True
                )
                for source in sources
                if not Takedown.objects.filter(item=source, restored_at__isnull=True).exists()
            ]


def take_down(item: Page, kind: str, reason: str, actor, *, replacement: Page | None = None) -> TakedownResult:
    return TakeDownAction(item, kind, reason, actor, replacement=replacement).execute()


def restore(item: Page, actor, reason: str) -> Takedown:
    return RestoreAction(item, actor, reason).execute()


def withdraw_site_pushes(site: Site, *, reason: str, actor=None) -> list[TakedownResult]:
    """For the subsite closure (hook ``after_close_site``)."""
    return WithdrawSitePushesAction(site, reason, actor).execute()
