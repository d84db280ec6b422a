"""Slugs of new items: ``tYYYYMMDD_N``, the numbering government sites use (and the demo shows).

A title makes a poor slug here: Chinese titles give long, unreadable addresses, and two
items with the same title in one column collide.
"""

from __future__ import annotations

from datetime import date

from wagtail.models import Page


def allocate_article_slug(parent: Page, on: date) -> str:
    """The next free ``t{on:%Y%m%d}_N`` among ``parent``'s children.

    Must run inside the transaction that saves the new page: the parent's row stays locked
    until it commits, so two items created at once in one column get different numbers
    (Django refuses ``select_for_update`` outside a transaction)."""
    list(Page.objects.select_for_update().filter(pk=parent.pk).values_list("pk", flat=True))
    prefix = f"t{on:%Y%m%d}_"
    taken = Page.objects.child_of(parent).filter(slug__startswith=prefix).values_list("slug", flat=True)
    numbers = [int(rest) for slug in taken if (rest := slug[len(prefix) :]).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"
