"""Every reaction of the content app to a change, connected once in ``ContentConfig.ready``.

The cached list of view restrictions (``cms.content.serving``, ``cms.content.visibility``)
is retired after commit when a restriction changes, a page moves or is deleted (its
restrictions go with it), or an alias is saved (an alias among a page's ancestors changes
whose restrictions apply). A restriction change also retires what lists the page:
every rendered anonymous page (``sites.page_cache.ALL``) and the catalogue's counts
(``Scope.CATALOGUE``); a move, which may take the page under a restriction or out of one,
retires the counts (``sites`` retires both sites' pages, ``cms.disclosure`` the catalogue pages).

A site's menus show a top-level column only while something is listed beneath it
(``navigation``): the publication of its first item, or the withdrawal of its last, retires
the site's pages (``site:`` tag), which all show the menu.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.cache import Scope, invalidate_after_commit
from core.signals import connect_for_page_models
from sites.page_cache import ALL, MENU_DEPTH, retire_after_commit, site_tag

from .models import ColumnPage
from .navigation import holds_its_menu_column_alone


def restrictions_changed(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.VIEW_RESTRICTIONS)


def restriction_saved_or_deleted(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.VIEW_RESTRICTIONS, Scope.CATALOGUE)
    retire_after_commit(ALL)  # a restricted page leaves every list, menu and catalogue


def page_moved(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.VIEW_RESTRICTIONS, Scope.CATALOGUE)


def page_saved(sender, instance: Page, **kwargs) -> None:
    if instance.alias_of_id:
        invalidate_after_commit(Scope.VIEW_RESTRICTIONS)


def menu_may_change(sender, instance: Page, **kwargs) -> None:
    if instance.depth is not None and instance.depth > MENU_DEPTH and holds_its_menu_column_alone(instance):
        retire_after_commit(site_tag(instance.path))


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
    listed = [model for model in get_page_models() if not issubclass(model, ColumnPage)]
    connect_for_page_models(page_published, menu_may_change, "content.menu_published", models=listed)
    connect_for_page_models(page_unpublished, menu_may_change, "content.menu_unpublished", models=listed)
    post_delete.connect(menu_may_change, sender=Page, dispatch_uid="content.menu_deleted")
