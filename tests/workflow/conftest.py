"""Fixtures for the review workflow: real users in the real per-site groups."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cms.content.models import ArticlePage

_serial = itertools.count(1)
PASSWORD = "Review-pass-2026"


@pytest.fixture
def make_user(db):
    """A user in the given site's group (编辑, 审核, 领导) or in 信息中心 (site=None)."""

    def make(site, label: str, username: str | None = None):
        username = username or f"u{next(_serial)}"
        user = get_user_model().objects.create_user(username, f"{username}@example.gov.cn", PASSWORD)
        name = f"{site.site_name}·{label}" if site is not None else label
        user.groups.add(Group.objects.get(name=name))
        return user

    return make


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
