"""Thin signal wiring: publishing allocates the index number; any change to a
catalogue item invalidates the cached counts, which are then recounted in the
background."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from cms.content.models import ArticlePage

from .catalogue import bump_generation
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
