"""Every reaction of the search index to a change, connected once in ``SearchConfig.ready``.

Each one queues an index update (``search.tasks``: run after the transaction that
queued it commits, or by a worker): publish, unpublish, a new alias, move, delete,
restore, a view restriction added or lifted; organisation and site names (the segmenter
learns them) and a new or readdressed site. A takedown removes its pages at once, after
its commit.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.syndication.models import Takedown
from cms.syndication.signals import takedown_changed
from core.signals import connect_for_page_models
from sites.models import Organisation

from .services import cluster_words_changed, remove_pages, restriction_reach
from .tasks import remove_from_index, update_index, update_site_index


def page_changed(sender, instance: Page, **kwargs) -> None:
    update_index.enqueue([instance.pk])


def alias_created(sender, instance: Page, created: bool, **kwargs) -> None:
    # Wagtail creates an alias (CreatePageAliasAction: 一键推送's 引用, the admin's
    # "create alias") live, with a plain save and no page_published; only a later
    # publish of its source sends one for it.
    if created and instance.alias_of_id:
        update_index.enqueue([instance.pk])


def page_moved(sender, instance: Page, **kwargs) -> None:
    # URLs and column paths of the whole subtree change with it.
    ids = list(Page.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True))
    update_index.enqueue(ids)


def page_deleted(sender, instance: Page, **kwargs) -> None:
    remove_from_index.enqueue([instance.pk])


def restriction_changed(sender, instance: PageViewRestriction, **kwargs) -> None:
    # The restricted subtree (and aliases showing it) leaves the index or comes back.
    update_index.enqueue(restriction_reach(instance.page_id))


def taken_down_or_restored(sender, page_ids, restored: bool = False, **kwargs) -> None:
    # Sent after commit with every page a takedown or restore reached. A takedown
    # leaves the index at once (one delete), not when a worker gets to it: the
    # pages answer as taken down from this commit on, and so must search.
    if restored:
        update_index.enqueue(list(page_ids))
    else:
        remove_pages(page_ids)


def organisation_saved(sender, **kwargs) -> None:
    cluster_words_changed()


def site_saved(sender, instance: Site, **kwargs) -> None:
    cluster_words_changed()
    # A new site's columns (created live, never "published") and a changed
    # hostname's URLs; the task runs after the provisioning transaction commits.
    update_site_index.enqueue(instance.pk)


def connect() -> None:
    connect_for_page_models(page_published, page_changed, "search.published")
    connect_for_page_models(page_unpublished, page_changed, "search.unpublished")
    connect_for_page_models(post_page_move, page_moved, "search.moved")
    connect_for_page_models(post_save, alias_created, "search.alias_created")
    # Deleting a page of any type deletes its Page row: one sender sees every delete.
    post_delete.connect(page_deleted, sender=Page, dispatch_uid="search.page_deleted")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_saved")
    post_delete.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_deleted")
    # A takedown is in effect at its commit, before Wagtail's unpublish runs in the
    # background (and never for a withdrawn (撤销) page, which stays live): takedown_changed
    # is what tells search then.
    takedown_changed.connect(taken_down_or_restored, sender=Takedown, dispatch_uid="search.takedown_changed")
    post_save.connect(organisation_saved, sender=Organisation, dispatch_uid="search.organisation_saved")
    post_save.connect(site_saved, sender=Site, dispatch_uid="search.site_saved")
