"""What a consultation's change retires in the page cache, wired once (``ConsultationsConfig.ready``).

Its own page and the lists above it follow from the page's publish like any page
(``sites.handlers``); the portal's cluster-wide list is on another site and carries
``CLUSTER_LIST_TAG`` instead.
"""

from __future__ import annotations

from sites.page_cache import below_chain, page_tag, retire_on_change

from .models import ConsultationPage
from .selectors import CLUSTER_LIST_TAG


def consultation_tags(page: ConsultationPage) -> set[str]:
    """The consultation's page, every list above it and the portal's list."""
    return {page_tag(page.pk), CLUSTER_LIST_TAG, *below_chain(page.path)}


def connect() -> None:
    retire_on_change(CLUSTER_LIST_TAG, [ConsultationPage], "consultations")
