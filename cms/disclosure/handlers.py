"""Every reaction of the catalogue to a change, connected once in ``DisclosureConfig.ready``.

- A catalogue item going live gets its 索引号, in the publishing save's transaction
  (and a live copy, which Wagtail makes without a publishing save, when it is announced).
- Publishing, unpublishing or deleting a catalogue item retires the cached counts
  (``Scope.CATALOGUE``) after commit and recounts them in the background.
- 主题分类 show on public pages (catalogue filters, item metadata): a change retires
  the page cache (``Scope.PAGES``).
- A change of the holiday calendar's overrides retires every process's copy
  (``Scope.WORKING_DAYS``, ``working_days.all_overrides``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import get_page_models
from wagtail.signals import page_published, page_unpublished

from cms.content.models import ArticlePage, catalogue_item_going_live
from core.cache import Scope, invalidate, invalidate_after_commit
from core.signals import connect_for_page_models

from .models import Topic, WorkingDayOverride
from .services import allocate_at_publication
from .tasks import warm_catalogue_facets


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
    if not instance.in_catalogue:
        return
    organisations = [instance.issuing_organisation_id] if instance.issuing_organisation_id else []

    def recount() -> None:
        # After commit: a reader in between would cache the old counts under the new token.
        invalidate(Scope.CATALOGUE)
        warm_catalogue_facets.enqueue(organisations)

    transaction.on_commit(recount)


def topic_changed(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.PAGES)


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
    connect_for_page_models(page_published, catalogue_item_published, "disclosure.published", models=articles)
    connect_for_page_models(page_unpublished, catalogue_item_changed, "disclosure.unpublished", models=articles)
    # Deleting any article type deletes its ArticlePage row too: one sender sees them all.
    post_delete.connect(catalogue_item_changed, sender=ArticlePage, dispatch_uid="disclosure.deleted")
    post_save.connect(topic_changed, sender=Topic, dispatch_uid="disclosure.topic_saved")
    post_delete.connect(topic_changed, sender=Topic, dispatch_uid="disclosure.topic_deleted")
    post_save.connect(working_day_override_changed, sender=WorkingDayOverride, dispatch_uid="disclosure.wdo_saved")
    post_delete.connect(working_day_override_changed, sender=WorkingDayOverride, dispatch_uid="disclosure.wdo_deleted")
