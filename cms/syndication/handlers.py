"""Reactions of the syndication app to changes elsewhere, connected in ``SyndicationConfig.ready``."""

from __future__ import annotations

from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published

from core.signals import connect_for_page_models

from .selectors import active_takedown_page_ids


def keep_held_alias_offline(sender, instance, alias: bool = False, **kwargs) -> None:
    """Wagtail republishes every alias of a page it publishes (``update_aliases``); an alias
    that a live takedown holds goes back offline in the same transaction, before anyone sees it."""
    if alias and active_takedown_page_ids([instance.pk]):
        UnpublishPageAction(instance, log_action=False).execute(skip_permission_checks=True)


def connect() -> None:
    models = [model for model in get_page_models() if model is not Page]
    connect_for_page_models(page_published, keep_held_alias_offline, "syndication.held_alias", models=models)
