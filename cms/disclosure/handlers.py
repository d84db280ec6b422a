"""Every reaction of the catalogue to a change, connected once in ``DisclosureConfig.ready``.

- A catalogue item going live gets its 索引号, in the publishing save's transaction
  (and a live copy, which Wagtail makes without a publishing save, when it is announced).
- Publishing, unpublishing, moving or deleting a catalogue item retires the cached counts
  (``Scope.CATALOGUE``) after commit and recounts them in the background, and retires the
  cached catalogue pages that list it (``catalogue_tags``: the portal's and its
  organisation's, before and after the change); a moved column, every catalogue page.
- 主题分类 show on public pages (catalogue filters, item metadata): a change retires
  every cached page (``sites.page_cache.ALL``).
- A change of the holiday calendar's overrides retires every process's copy
  (``Scope.WORKING_DAYS``, ``working_days.all_overrides``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.content.models import ArticlePage, catalogue_item_going_live
from core.cache import Scope, invalidate, invalidate_after_commit
from core.signals import connect_for_page_models
from sites.page_cache import ALL, retire_after_commit

from .metadata import CATALOGUE_TAG, catalogue_tag
from .models import Topic, WorkingDayOverride
from .services import allocate_at_publication
from .tasks import warm_catalogue_facets

LISTED_AS = "_catalogue_organisation_before_save"


def allocate_index_number(sender, instance: ArticlePage, **kwargs) -> None:
    allocate_at_publication(instance)


def catalogue_item_published(sender, instance: ArticlePage, alias: bool = False, **kwargs) -> None:
    # Wagtail's copy with "keep live" makes the copy live without a publishing save:
    # it gets its number here (any other publication already has one from its save).
    # (Wagtail also sends page_published when it only schedules a publication: not live yet.)
    if instance.live and instance.in_catalogue and not (alias or instance.alias_of_id):
        allocate_at_publication(instance)
    catalogue_item_changed(sender, instance)


def catalogue_item_changed(sender, instance: ArticlePage, **kwargs) -> None:
    listed_before = getattr(instance, LISTED_AS, None)
    if not instance.in_catalogue and listed_before is None:
        return
    organisations = [instance.issuing_organisation_id] if instance.issuing_organisation_id else []
    retire_after_commit(*catalogue_tags(instance))

    def recount() -> None:
        # After commit: a reader in between would cache the old counts under the new token.
        invalidate(Scope.CATALOGUE)
        warm_catalogue_facets.enqueue(organisations)

    transaction.on_commit(recount)


def catalogue_tags(item: ArticlePage) -> set[str]:
    """The cached catalogues listing ``item``: the portal's, and its organisation's before and after this change."""
    organisations = {item.issuing_organisation_id if item.in_catalogue else None, getattr(item, LISTED_AS, None)}
    return {catalogue_tag(None), *(catalogue_tag(pk) for pk in organisations - {None})}


LISTING_FIELDS = frozenset({"in_catalogue", "issuing_organisation", "issuing_organisation_id", "live"})


def remember_listing(sender, instance: ArticlePage, update_fields=None, **kwargs) -> None:
    # A live item that leaves the catalogue or changes its 发布机构 leaves a catalogue its new
    # version is not in: remember which (one query per save of a live item; none for a save of
    # other fields only, such as Wagtail's bookkeeping of revisions and locks).
    if update_fields is not None and not LISTING_FIELDS.intersection(update_fields):
        return
    if instance.pk and instance.live:
        before = type(instance).objects.filter(pk=instance.pk, in_catalogue=True, live=True)
        setattr(instance, LISTED_AS, before.values_list("issuing_organisation_id", flat=True).first())


def page_moved(sender, instance: Page, **kwargs) -> None:
    # The catalogues link items by URL: a moved item, or every item beneath a moved column, has a new one.
    if isinstance(instance, ArticlePage):
        catalogue_item_changed(sender, instance)
    elif instance.numchild:
        retire_after_commit(CATALOGUE_TAG)


def topic_changed(sender, **kwargs) -> None:
    retire_after_commit(ALL)  # items show their topic's name


def working_day_override_changed(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.WORKING_DAYS)


def article_models() -> list[type[ArticlePage]]:
    """ArticlePage and every page type derived from it (policy documents, interpretations…)."""
    return [model for model in get_page_models() if issubclass(model, ArticlePage)]


def connect() -> None:
    articles = article_models()
    connect_for_page_models(
        catalogue_item_going_live, allocate_index_number, "disclosure.allocate_index_number", models=articles
    )
    connect_for_page_models(pre_save, remember_listing, "disclosure.remember_listing", models=articles)
    connect_for_page_models(page_published, catalogue_item_published, "disclosure.published", models=articles)
    connect_for_page_models(page_unpublished, catalogue_item_changed, "disclosure.unpublished", models=articles)
    # Deleting any article type deletes its ArticlePage row too: one sender sees them all.
    post_delete.connect(catalogue_item_changed, sender=ArticlePage, dispatch_uid="disclosure.deleted")
    connect_for_page_models(post_page_move, page_moved, "disclosure.moved")
    post_save.connect(topic_changed, sender=Topic, dispatch_uid="disclosure.topic_saved")
    post_delete.connect(topic_changed, sender=Topic, dispatch_uid="disclosure.topic_deleted")
    post_save.connect(working_day_override_changed, sender=WorkingDayOverride, dispatch_uid="disclosure.wdo_saved")
    post_delete.connect(working_day_override_changed, sender=WorkingDayOverride, dispatch_uid="disclosure.wdo_deleted")
