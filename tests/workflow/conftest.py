"""Helpers for the review workflow: drafts as editors leave them, and their submission.

Users come from the shared ``make_user(site, role)`` fixture (tests/conftest.py)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from cms.content.models import ArticlePage

_serial = itertools.count(1)


def draft_article(column, title: str, body: str = "", user=None, **fields) -> ArticlePage:
    """An unpublished article with one saved revision, as an editor leaves it before submitting."""
    page = ArticlePage(
        title=title,
        slug=fields.pop("slug", f"d{next(_serial)}"),
        publication_date=fields.pop("publication_date", timezone.now()),
        body=body or f"<p>{title}的正文。</p>",
        live=False,
        owner=user,
        **fields,
    )
    column.add_child(instance=page)
    page.save_revision(user=user)
    return page


def submit(page, user):
    """Submit the page's latest revision to its workflow, as the admin's 提交 button does."""
    page = page.specific
    return page.get_workflow().start(page, user)
