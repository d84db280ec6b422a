"""Every reaction of the content app to a change, connected once in ``ContentConfig.ready``.

The cached list of view restrictions (``cms.content.serving``, ``cms.content.visibility``)
is retired after commit when a restriction changes, a page moves or is deleted (its
restrictions go with it), or an alias is saved (an alias among a page's ancestors changes
whose restrictions apply). A restriction change also retires what lists the page:
rendered anonymous pages (``Scope.PAGES``) and the catalogue's counts (``Scope.CATALOGUE``);
so does a move, which may take the page under a restriction or out of one (``sites``
retires ``PAGES`` on a move).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import post_page_move

from core.cache import Scope, invalidate_after_commit
from core.signals import connect_for_page_models


def restrictions_changed(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.VIEW_RESTRICTIONS)


def restriction_saved_or_deleted(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.VIEW_RESTRICTIONS, Scope.PAGES, Scope.CATALOGUE)


def page_moved(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.VIEW_RESTRICTIONS, Scope.CATALOGUE)


def page_saved(sender, instance: Page, **kwargs) -> None:
    if instance.alias_of_id:
        invalidate_after_commit(Scope.VIEW_RESTRICTIONS)


def connect() -> None:
    post_save.connect(
        restriction_saved_or_deleted, sender=PageViewRestriction, dispatch_uid="content.restriction_saved"
    )
    post_delete.connect(
        restriction_saved_or_deleted, sender=PageViewRestriction, dispatch_uid="content.restriction_deleted"
    )
    # Deleting a page of any type deletes its Page row: one sender sees every delete.
    post_delete.connect(restrictions_changed, sender=Page, dispatch_uid="content.page_deleted")
    connect_for_page_models(post_page_move, page_moved, "content.page_moved")
    connect_for_page_models(post_save, page_saved, "content.page_saved")
