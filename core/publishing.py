"""The publish guard: every way a page goes live passes the cluster's publish rules.

Wagtail publishes through ``PublishRevisionAction._publish_revision`` on every
path — the edit and create views, workflow approval, bulk actions,
``publish_scheduled``, the API, ``revision.publish()`` in commands and workers.
Each of those builds the page from its revision (``with_content_json``) and
saves it with ``live=True`` and the revision as ``live_revision``. Pages that use
``PublishGuardMixin`` check the rules in exactly that save, so no path passes
by them; hooks in the admin only show the same rule's message earlier.

Rules are registered by the apps that own them with the Wagtail hook
``check_page_publish``: a callable ``(page, revision) -> None`` raising
``PublishRefused`` (syndication: an actively taken-down item stays down;
workflow: review before publication where the site's rules require it).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from wagtail import hooks

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
    Never reachable from a request: no view enters it."""
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

    def save(self, *args, **kwargs):
        if self.is_going_live():
            check_publish(self, self.live_revision)
        return super().save(*args, **kwargs)
