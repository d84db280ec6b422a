"""Shared fixtures: organisations and provisioned sites, built through the real services."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.content.models import ArticlePage, ColumnPage
from core.publishing import review_waived
from sites.models import Organisation, OrganisationKind, SiteType
from sites.services import SubsiteRequest, provision_subsite

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages and counts of one
    test's database must not leak into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_organisation(db):
    def make(name: str | None = None, kind: str = OrganisationKind.DEPARTMENT, **fields) -> Organisation:
        n = next(_serial)
        return Organisation.objects.create(
            name=name or f"测试机构{n}", kind=kind, index_code=fields.pop("index_code", f"9{n:08d}"), **fields
        )

    return make


@pytest.fixture
def make_site(make_organisation):
    """Provision a site through the service, as an operator would."""

    def make(hostname: str, site_type: str = SiteType.DEPARTMENT, *, name: str | None = None, **fields):
        organisation = fields.pop("organisation", None) or make_organisation(kind=str(site_type))
        return provision_subsite(
            SubsiteRequest(
                hostname=hostname,
                site_name=name or hostname.split(".")[0],
                site_type=site_type,
                organisation=organisation,
                site_id_code=fields.pop("site_id_code", "3418020001"),
                **fields,
            )
        )

    return make


@pytest.fixture
def portal(make_organisation, make_site):
    org = make_organisation("宣城市宣州区人民政府", kind=OrganisationKind.PORTAL)
    return make_site("www.example.gov.cn", SiteType.PORTAL, name="宣州区人民政府", organisation=org)


@pytest.fixture
def township(portal, make_site):
    return make_site("shuiyang.example.gov.cn", SiteType.TOWNSHIP, name="水阳镇人民政府")


@pytest.fixture
def department(portal, make_site):
    return make_site("jyj.example.gov.cn", SiteType.DEPARTMENT, name="宣州区教育局")


def column_of(site, slug_path: str) -> ColumnPage:
    return ColumnPage.objects.get(url_path=f"{site.root_page.url_path}{slug_path}/")


def publish_article(column: ColumnPage, title: str, when=None, **fields) -> ArticlePage:
    page = ArticlePage(
        title=title,
        slug=fields.pop("slug", f"a{ArticlePage.objects.count() + 1}"),
        publication_date=when or timezone.now(),
        body=fields.pop("body", f"<p>{title}的正文。</p>"),
        live=False,
        **fields,
    )
    column.add_child(instance=page)
    with review_waived("测试数据"):  # seeded content; the guarantees' own tests publish through the workflow
        page.save_revision().publish()
    page.refresh_from_db()  # publishing works on a copy made from the revision
    return page


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """A transactional database with what the migrations seed.

    Django flushes the database after each transactional test, taking the rows
    the migrations made (Wagtail's root page, root collection and locale, the
    national topics, the 信息中心 group) with it. Recreate them as those
    migrations do, so transactional tests see what a fresh install has.
    """
    import importlib

    from django.apps import apps
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    from cms.accounts.roles import ensure_info_center_group

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    importlib.import_module("migrations.disclosure.0002_seed_national_topics").seed(apps, None)
    ensure_info_center_group()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.gov.cn", "Secret-pass-2026")


_user_serial = itertools.count(1)
USER_PASSWORD = "Test-pass-2026!"


@pytest.fixture
def make_user(db):
    """``make_user(site, role)``: a user in that site's per-site group (role key: editor,
    reviewer, leader, site_admin); ``make_user(None, role)``: an info-center user, role
    being the info-center group (系统管理员, 安全管理员, 审计管理员, 信息中心)."""

    from cms.accounts.roles import INFO_CENTER_ROLE_KEYS, info_center_group
    from sites.groups import site_group

    def make(site, role: str, username: str | None = None):
        username = username or f"user{next(_user_serial)}"
        user = get_user_model().objects.create_user(username, f"{username}@example.gov.cn", USER_PASSWORD)
        user.groups.add(
            site_group(site, role) if site is not None else info_center_group(INFO_CENTER_ROLE_KEYS.get(role, role))
        )
        return user

    return make


def publish_through_workflow(page, *, editor, reviewers) -> None:
    """Submit the page's latest revision to its site's workflow and approve every review step,
    each by the first of ``reviewers`` allowed to act on it — the only way site roles publish."""
    page = page.specific
    state = page.get_workflow().start(page, editor)
    while state.status == state.STATUS_IN_PROGRESS:
        task_state = state.current_task_state
        task = task_state.task.specific
        actor = next(user for user in reviewers if "approve" in [a[0] for a in task.get_actions(page, user)])
        task.on_action(task_state, actor, "approve")
        state.refresh_from_db()
