"""Thin signal wiring: publishing allocates the index number; any change to a
catalogue item invalidates the cached navigation counts."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from cms.content.models import ArticlePage

from .catalogue import bump_generation
from .services import on_item_published


@receiver(page_published)
def allocate_on_first_publication(sender, instance, **kwargs) -> None:
    if isinstance(instance, ArticlePage):
        on_item_published(instance)
        bump_generation()


@receiver(page_unpublished)
@receiver(post_delete)
def catalogue_changed(sender, instance, **kwargs) -> None:
    if isinstance(instance, ArticlePage) and instance.in_catalogue:
        bump_generation()
