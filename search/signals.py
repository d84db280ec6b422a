"""Keep the index current: every publish, unpublish, move, delete, takedown and restore queues an update."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.syndication.signals import takedown_changed
from sites.models import Organisation

from .services import cluster_words_changed
from .tasks import remove_from_index, update_index, update_site_index


@receiver(page_published)
@receiver(page_unpublished)
def _page_changed(sender, instance, **kwargs) -> None:
    update_index.enqueue([instance.pk])


@receiver(takedown_changed)
def _taken_down_or_restored(sender, page_ids, **kwargs) -> None:
    # Sent after commit with every page a takedown or restore reached.
    update_index.enqueue(list(page_ids))


@receiver(post_page_move)
def _page_moved(sender, instance, **kwargs) -> None:
    # URLs and column paths of the whole subtree change with it.
    ids = list(Page.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True))
    update_index.enqueue(ids)


@receiver(post_delete)
def _page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        remove_from_index.enqueue([instance.pk])


@receiver(post_save, sender=Organisation)
def _organisation_saved(sender, **kwargs) -> None:
    cluster_words_changed()


@receiver(post_save, sender=Site)
def _site_saved(sender, instance, **kwargs) -> None:
    cluster_words_changed()
    # A new site's columns (created live, never "published") and a changed
    # hostname's URLs; the task runs after the provisioning transaction commits.
    update_site_index.enqueue(instance.pk)
