"""Fixtures for catalogue tests: topics, and items published through real publishing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cms.disclosure.models import PolicyDocumentPage, Topic
from core.publishing import review_waived

from ..conftest import column_of


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.get(parent=None, name="综合政务")


@pytest.fixture
def publish_policy(topic):
    """Publish a PolicyDocumentPage with full metadata into ``site``'s column."""

    def publish(site, title: str, *, column: str = "zcwj", when=None, user=None, **fields) -> PolicyDocumentPage:
        when = when or timezone.now()
        page = PolicyDocumentPage(
            title=title,
            slug=fields.pop("slug", f"p{PolicyDocumentPage.objects.count() + 1}"),
            publication_date=when,
            body=fields.pop("body", f"<p>{title}正文。</p>"),
            issuing_organisation=fields.pop("issuing_organisation", site.profile.organisation),
            topic=fields.pop("topic", topic),
            genre=fields.pop("genre", "通知"),
            date_formed=fields.pop("date_formed", timezone.localtime(when).date()),
            disclosure_term=fields.pop("disclosure_term", "long_term"),
            live=False,
            **fields,
        )
        column_of(site, column).add_child(instance=page)
        with review_waived("测试数据"):  # seeded content; the guarantees' own tests publish through the workflow
            page.save_revision(user=user).publish(user=user)
        page.refresh_from_db()
        return page

    return publish
