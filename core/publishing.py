"""The publish guard: every way a page goes live passes the cluster's publish rules.

Wagtail publishes through ``PublishRevisionAction._publish_revision`` on every
path — the edit and create views, workflow approval, bulk actions,
``publish_scheduled``, the API, ``revision.publish()`` in commands and workers.
Each of those builds the page from its revision (``with_content_json``) and
saves it with ``live=True`` and the revision as ``live_revision``. Pages that use
``PublishGuardMixin`` check the rules in exactly that save, so no path passes
by them; hooks in the admin only show the same rule's message earlier.

Pages Wagtail makes live without a publication pass the same rules: a copy made with
"publish copies" and a new alias carry their source's live revision into their new
place (``PublishGuardMixin.is_created_live``), and a live page moved under another
parent brings its live revision there (``check_move``, on Wagtail's ``pre_page_move``,
which every move path sends before it writes).

Rules are registered by the apps that own them with the Wagtail hook
``check_page_publish``: a callable ``(page, revision) -> None`` raising
``PublishRefused`` (syndication: an actively taken-down item stays down;
workflow: review before publication where the site's rules require it).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.models import Page, WorkflowPage
from wagtail.query import PageQuerySet

RULES_HOOK = "check_page_publish"

_MISSING = object()
_review_waived: contextvars.ContextVar[str | None] = contextvars.ContextVar("review_waived", default=None)


class PublishRefused(PermissionDenied):
    """A publication was refused by a cluster rule; the message (Chinese) says why and what to do."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else "该页面不能发布。"


def check_publish(page, revision) -> None:
    """Raise ``PublishRefused`` if any registered rule refuses ``revision`` of ``page`` going live."""
    for rule in hooks.get_hooks(RULES_HOOK):
        rule(page, revision)


def refusal(page, revision) -> str:
    """The refusal message, or "" when the rules allow the publication (for admin views that ask first)."""
    try:
        check_publish(page, revision)
    except PublishRefused as refused:
        return refused.message
    return ""


@contextlib.contextmanager
def review_waived(reason: str) -> Iterator[None]:
    """Publish without the review workflow inside this block: content that was reviewed
    elsewhere (the demo loader, imports of an old system's published items, test seeding).

    Only the review rule honours it; an actively taken-down item stays down regardless.
    No view enters it; of the actions, only restoring a takedown and accepting a push do,
    for content that passed review before."""
    token = _review_waived.set(reason)
    try:
        yield
    finally:
        _review_waived.reset(token)


def review_waiver() -> str | None:
    """Why review is waived for publications in this context, or None."""
    return _review_waived.get()


class PublishGuardMixin:
    """For every page model of the cluster (a system check enforces it)."""

    def with_content_json(self, content):
        # ``self`` is the stored page: remember what was live, so the save can tell a publication.
        page = super().with_content_json(content)
        page._stored_live = self.live
        page._stored_live_revision_id = self.live_revision_id
        return page

    def is_going_live(self) -> bool:
        """True while this object, built from a revision, is being saved as the live version."""
        if self.alias_of_id:
            # An alias goes live only as Wagtail's update_aliases follows its source, whose own
            # publication passed the rules; its live_revision is stale serialized data of the
            # source. A held alias is put back offline by cms.syndication.handlers.
            return False
        stored_revision = getattr(self, "_stored_live_revision_id", _MISSING)
        if stored_revision is _MISSING or not self.live or self.live_revision_id is None:
            return False
        return not self._stored_live or self.live_revision_id != stored_revision

    def is_created_live(self) -> bool:
        """True while a new page is saved live carrying a live revision already: a copy made
        live (Wagtail's copy with "publish copies") or an alias of a live page. Both carry the
        source's live revision, which must pass the rules where the new page stands.
        (Wagtail's create view saves a new page live without one, then publishes its
        revision through ``is_going_live``.)"""
        return self._state.adding and self.live and bool(self.alias_of_id or self.live_revision_id)

    def save(self, *args, **kwargs):
        if self.is_going_live() or self.is_created_live():
            check_publish(self, self.live_revision)
        return super().save(*args, **kwargs)


def _live_subtree(page: Page, *, recursive: bool = True) -> PageQuerySet:
    pages = Page.objects.filter(path__startswith=page.path) if recursive else Page.objects.filter(pk=page.pk)
    return pages.filter(live=True).specific()


def _placed(page: Page, parent: Page, *, new: bool = False) -> Page:
    """``page`` as it would stand directly under ``parent`` (for the rules that depend on where a
    page is); ``new``: as a page made there (no takedown or workflow of its own)."""
    placed = copy.copy(page)
    placed.path = parent.path + page.path[-page.steplen :]
    placed.depth = parent.depth + 1
    if new:
        placed.pk = placed.id = None
    return placed


def check_move(page: Page, parent_before: Page, parent_after: Page) -> None:
    """Raise ``PublishRefused`` if a live page of the moved subtree may not be live under
    ``parent_after``: each is checked with its live revision as if published there.

    Pages whose rules come from inside the subtree (a workflow assigned to the moved page
    or below) keep them and are not checked; reordering under the same parent changes nothing."""
    if parent_before.pk == parent_after.pk:
        return
    governed_inside = list(
        WorkflowPage.objects.filter(page__path__startswith=page.path).values_list("page__path", flat=True)
    )
    for moving in _live_subtree(page):
        if not (moving.alias_of_id or moving.live_revision_id):
            continue  # live without a revision (provisioned columns): nothing was published
        if any(moving.path.startswith(path) for path in governed_inside):
            continue
        check_publish(_placed(moving, parent_after), moving.live_revision)


def move_refusal(page: Page, parent_after: Page) -> str:
    """``check_move``'s message, or "" (for the admin's move screens, which ask first)."""
    try:
        check_move(page, page.get_parent(), parent_after)
    except PublishRefused as refused:
        return refused.message
    return ""


def live_copy_refusal(page: Page, parent: Page, *, alias: bool, recursive: bool) -> str:
    """The message for a live copy or alias of ``page`` (and its subtree, if ``recursive``)
    under ``parent`` — what the guard will check in each new page's save
    (``is_created_live``) — or "". Copies of a subtree are all governed by ``parent``'s rules
    (a workflow assignment is not copied)."""
    for source in _live_subtree(page, recursive=recursive):
        if not (alias or source.live_revision_id):
            continue  # copied live without a revision: not checked (see is_created_live)
        message = refusal(_placed(source, parent, new=True), source.live_revision)
        if message:
            return message
    return ""
