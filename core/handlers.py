"""The publish guard's part in Wagtail's page moves, connected once in ``CoreConfig.ready()``."""

from __future__ import annotations

from wagtail.models import Page, get_page_models
from wagtail.signals import pre_page_move

from .publishing import check_move


def refuse_unreviewed_move(sender, instance: Page, parent_page_before: Page, parent_page_after: Page, **kwargs) -> None:
    # Sent by Wagtail's MovePageAction before it writes: a refusal leaves the tree as it was.
    check_move(instance, parent_page_before, parent_page_after)


def connect() -> None:
    # Wagtail sends pre_page_move with the page's specific class as sender.
    for model in get_page_models():
        pre_page_move.connect(refuse_unreviewed_move, sender=model, dispatch_uid=f"core-move-{model._meta.label}")
