"""Reactions of the syndication app to changes elsewhere, connected in ``SyndicationConfig.ready``."""

from __future__ import annotations

from wagtail.actions.unpublish_page import UnpublishPageAction

from .selectors import active_takedown_page_ids


def keep_held_alias_offline(sender, instance, alias: bool = False, **kwargs) -> None:
    """Wagtail republishes every alias of a page it publishes (``update_aliases``); an alias
    that a live takedown holds goes back offline in the same transaction, before anyone sees it."""
    if alias and active_takedown_page_ids([instance.pk]):
        UnpublishPageAction(instance, log_action=False).execute(skip_permission_checks=True)


def connect() -> None:
    from django.apps import apps
    from wagtail.models import Page
    from wagtail.signals import page_published

    # One connection per concrete page model: the sender filter Wagtail's page signals allow.
    for model in apps.get_models():
        if issubclass(model, Page) and model is not Page:
            page_published.connect(
                keep_held_alias_offline, sender=model, dispatch_uid=f"syndication-held-alias-{model._meta.label}"
            )
