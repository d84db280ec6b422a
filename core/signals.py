"""Connecting to the signals Wagtail sends for pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.dispatch import Signal
from wagtail.models import get_page_models


def connect_for_page_models(
    signal: Signal, receiver: Callable, uid: str, *, models: Iterable[type] | None = None
) -> None:
    """Connect ``receiver`` once per concrete page model (by default every one Wagtail knows).

    Wagtail's page signals, and Django's ``post_save``, name the saved page's own class
    as sender, so a sender filter means one connection per model; ``uid`` plus the
    model's label keeps each connection unique."""
    for model in get_page_models() if models is None else models:
        signal.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model._meta.label_lower}")
