"""Thin signal wiring: publishing allocates the index number; any change to a
catalogue item invalidates the cached counts, which are then recounted in the
background."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from cms.content.models import ArticlePage
from core.cache import Scope, invalidate, invalidate_after_commit

from .catalogue import bump_generation
from .models import Topic
from .services import on_item_published
from .tasks import warm_catalogue_facets


def _catalogue_changed(page: ArticlePage) -> None:
    bump_generation()
    warm_catalogue_facets.enqueue([page.issuing_organisation_id] if page.issuing_organisation_id else [])


@receiver(page_published)
def allocate_on_first_publication(sender, instance, **kwargs) -> None:
    if isinstance(instance, ArticlePage):
        on_item_published(instance)
        if instance.in_catalogue:
            _catalogue_changed(instance)


@receiver(page_unpublished)
@receiver(post_delete)
def catalogue_item_removed(sender, instance, **kwargs) -> None:
    if isinstance(instance, ArticlePage) and instance.in_catalogue:
        _catalogue_changed(instance)


# 主题分类 show on public pages (catalogue filters, item metadata): a change retires the page cache.
@receiver(post_save, sender=Topic, dispatch_uid="disclosure.topic_saved")
@receiver(post_delete, sender=Topic, dispatch_uid="disclosure.topic_deleted")
def topic_changed(sender, **kwargs) -> None:
    invalidate(Scope.PAGES)
    invalidate_after_commit(Scope.PAGES)
