"""What a consultation's change retires in the page cache, wired once (``ConsultationsConfig.ready``).

Its own page and the lists above it follow from the page's publish like any page
(``sites.handlers``); the portal's cluster-wide list is on another site and carries
``CLUSTER_LIST_TAG`` instead.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.signals import connect_for_page_models
from sites.page_cache import below_chain, page_tag, retire_after_commit

from .models import ConsultationPage
from .selectors import CLUSTER_LIST_TAG


def consultation_tags(page: ConsultationPage) -> set[str]:
    """The consultation's page, every list above it and the portal's list."""
    return {page_tag(page.pk), CLUSTER_LIST_TAG, *below_chain(page.path)}


def _consultation_changed(sender, instance: ConsultationPage, **kwargs) -> None:
    retire_after_commit(CLUSTER_LIST_TAG)


def connect() -> None:
    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished"), (post_page_move, "moved")):
        connect_for_page_models(signal, _consultation_changed, f"consultations.{name}", models=[ConsultationPage])
    post_delete.connect(_consultation_changed, sender=ConsultationPage, dispatch_uid="consultations.deleted")
