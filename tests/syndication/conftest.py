"""Fixtures for push and takedown: a small cluster, its editors and an item to syndicate."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from cms.accounts.roles import INFO_CENTER_GROUP
from sites.models import SiteType

from ..conftest import USER_PASSWORD, column_of, publish_article

PASSWORD = USER_PASSWORD  # what make_user gives every user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the actions defer to after commit (cache retirement, signals), as a
    real commit would: tests run inside a transaction that never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def editor_of(make_user):
    """A member of the site's role group (reviewer: may add, edit and publish in that site only)."""

    made = {}

    def make(site, role: str = "reviewer"):
        if (site.pk, role) not in made:
            made[site.pk, role] = make_user(site, role, username=f"{site.hostname.split('.')[0]}_{role}")
        return made[site.pk, role]

    return make


@pytest.fixture
def info_center(make_user):
    """A 信息中心 user with the info center's syndication permissions (the accounts
    roles grant them to the group; given here directly so these tests do not depend on that)."""
    user = make_user(None, INFO_CENTER_GROUP, username="xxzx")
    user.user_permissions.add(*info_center_permissions())
    return get_user_model().objects.get(pk=user.pk)  # a fresh object: no stale permission cache


def info_center_permissions() -> list[Permission]:
    return list(
        Permission.objects.filter(
            content_type__app_label="syndication", codename__in=["take_down_anywhere", "view_syndication_records"]
        )
    )


@pytest.fixture
def department2(portal, make_site):
    return make_site("wjw.example.gov.cn", SiteType.DEPARTMENT, name="宣州区卫生健康委员会")


@pytest.fixture
def item(township):
    return publish_article(
        column_of(township, "gzdt"),
        "水阳镇开展防汛应急演练",
        slug="fxyl",
        body="<p>水阳镇组织开展防汛应急演练，全镇干部群众参加。</p>",
    )


def url_of(page) -> tuple[str, str]:
    """(host, path) a reader requests for ``page``, whether it is live or not."""
    _site_id, root_url, path = page.specific.get_url_parts()
    return root_url.split("://", 1)[1].split(":")[0], path


def fetch(client, page):
    host, path = url_of(page)
    return client.get(path, HTTP_HOST=host)
