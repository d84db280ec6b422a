"""Shared fixtures: organisations and provisioned sites, built through the real services."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.models import ArticlePage, ColumnPage
from core.publishing import review_waived
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType
from sites.services import SubsiteRequest, provision_subsite

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_failed_task():
    """A background task that fails fails its test: the task backends log the error
    and carry on, which would hide a broken takedown or index update."""
    from django_tasks.base import TaskResultStatus
    from django_tasks.signals import task_finished

    failed = []

    def record(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failed.append(
                f"{task_result.task.module_path}: {task_result.errors[-1].traceback if task_result.errors else ''}"
            )

    task_finished.connect(record, dispatch_uid="tests.no_failed_task")
    yield
    task_finished.disconnect(dispatch_uid="tests.no_failed_task")
    assert not failed, "background task failed:\n" + "\n".join(failed)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages and counts of one
    test's database must not leak into the next (nor the beacon's copies of its pages)."""
    from cms.visits.counting import forget_page_facts

    cache.clear()
    forget_page_facts()


def new_organisation(name: str | None = None, kind: str = OrganisationKind.DEPARTMENT, **fields) -> Organisation:
    n = next(_serial)
    return Organisation.objects.create(
        name=name or f"测试机构{n}", kind=kind, index_code=fields.pop("index_code", f"9{n:08d}"), **fields
    )


def new_site(hostname: str, site_type: str = SiteType.DEPARTMENT, *, name: str | None = None, **fields) -> Site:
    """Provision a site through the service, as an operator would; open at once unless ``status`` says otherwise."""
    organisation = fields.pop("organisation", None) or new_organisation(kind=str(site_type))
    return provision_subsite(
        SubsiteRequest(
            hostname=hostname,
            site_name=name or hostname.split(".")[0],
            site_type=site_type,
            organisation=organisation,
            site_id_code=fields.pop("site_id_code", "3418020001"),
            status=fields.pop("status", SiteStatus.OPEN),
            **fields,
        )
    )


@pytest.fixture
def make_organisation(db):
    return new_organisation


@pytest.fixture
def make_site(make_organisation):
    """Provision a site through the service, as an operator would."""
    return new_site


# --- Shared layers: build a fixture's rows once, not for every test -------------------
#
# Provisioning a site costs about half a second (some 300 queries), and most tests ask
# for the same portal, township and department. Each worker therefore keeps one
# transaction open across tests, holding what such fixtures built as a stack of
# savepoints ("layers"), in the order a test sets those fixtures up; pytest-django's
# per-test transaction is a savepoint on top, so whatever a test changes still rolls
# back. A test gets exactly the layers it requests: the stack is cut back to the
# longest prefix the test shares with the previous one and rebuilt from there, so a
# test without ``portal`` sees no portal. Transactional tests (live server, threads)
# need no open transaction: the stack is emptied before them, and their fixtures build
# their rows as before. A layer's fixture hands each test fresh instances (``fetch``),
# so no in-memory change leaks from one test to the next.

_LAYERS: dict[Callable, Callable[[], Any]] = {}  # fixture function -> build


def shared_layer(build: Callable[[], Any]):
    """Declare the fixture below ``@pytest.fixture`` a shared layer: ``build()`` makes its rows
    (its dependencies' layers already in place) and returns what ``layer_value`` gives the fixture."""

    def declare(fixture_function: Callable) -> Callable:
        _LAYERS[fixture_function] = build
        return fixture_function

    return declare


def layer_value(request, build: Callable[[], Any]) -> Any:
    """What ``build`` returned for this test's layer; built now, inside the test's own
    transaction, when the test is transactional or asked for the fixture only at run time."""
    layers = request.getfixturevalue("_shared_layers")
    return layers[build] if build in layers else build()


class SharedLayers:
    """The stack of savepoints, each holding what one shared layer built."""

    def __init__(self) -> None:
        self.layers: list[tuple[Callable, Any, transaction.Atomic]] = []
        self.previous_test = ""  # named when the stack is found out of step: that test broke it

    def arrange(self, builds: list[Callable]) -> dict[Callable, Any]:
        self._check()
        keep = 0
        while keep < min(len(builds), len(self.layers)) and self.layers[keep][0] is builds[keep]:
            keep += 1
        self.cut(keep)
        for build in builds[keep:]:
            atomic = transaction.atomic()
            atomic._from_testcase = True  # like Django's TestCase atomics: durable blocks may run inside
            atomic.__enter__()
            try:
                value = build()
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
            self.layers.append((build, value, atomic))
        if len(builds) > keep:
            cache.clear()  # what building cached is not the test's
        return {build: value for build, value, _ in self.layers}

    def cut(self, keep: int) -> None:
        self._check()
        while len(self.layers) > keep:
            *_, atomic = self.layers.pop()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def _check(self) -> None:
        blocks = connection.atomic_blocks
        if len(blocks) != len(self.layers) or any(b is not a for b, (*_, a) in zip(blocks, self.layers, strict=False)):
            raise RuntimeError(
                f"shared test layers out of step with the connection: {len(self.layers)} layers, "
                f"{len(blocks)} open atomic blocks (a test left a transaction open or closed one it did not open;"
                f" the test before this one was {self.previous_test or 'none'})"
            )


@pytest.fixture(scope="session")
def _shared_stack(django_db_setup, django_db_blocker):
    stack = SharedLayers()
    yield stack
    with django_db_blocker.unblock():
        stack.cut(0)  # before the test database is dropped


def _is_transactional(request) -> bool:
    """As pytest-django decides it (``_django_db_helper``)."""
    from pytest_django.fixtures import validate_django_db

    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and any(validate_django_db(marker)[:2]))  # transaction, reset_sequences
    transactional_fixtures = ("transactional_db", "live_server", "django_db_reset_sequences")
    return by_marker or any(name in request.fixturenames for name in transactional_fixtures)


def _layers_in_setup_order(request) -> list[Callable]:
    """The builds of the shared layers this test requests, in the order pytest sets their
    fixtures up: depth first through each fixture's arguments, in the order of the test's names."""
    definitions = request.node._fixtureinfo.name2fixturedefs
    order: list[Callable] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in definitions:
            return
        seen.add(name)
        definition = definitions[name][-1]
        for argument in definition.argnames:
            visit(argument)
        if definition.func in _LAYERS:
            order.append(_LAYERS[definition.func])

    for name in request.node.fixturenames:
        visit(name)
    return order


@pytest.fixture
def _shared_layers(request, _shared_stack, django_db_blocker) -> dict[Callable, Any]:
    """Lay out the shared layers this test requests (build -> its value), before its own transaction."""
    with django_db_blocker.unblock():
        try:
            if _is_transactional(request):
                _shared_stack.cut(0)
                return {}
            return _shared_stack.arrange(_layers_in_setup_order(request))
        finally:
            _shared_stack.previous_test = request.node.nodeid


@pytest.fixture
def outside_any_transaction(_shared_stack, django_db_blocker) -> None:
    """For a test of what code does outside a transaction: a database test before it on this
    worker may have left the shared layers' savepoints open on the connection; close them."""
    with django_db_blocker.unblock():
        _shared_stack.cut(0)


@pytest.fixture
def _django_db_helper(_shared_layers, _django_db_helper):
    """pytest-django's per-test transaction (or flush), set up once the shared layers are in place."""
    return _django_db_helper


def site_as_provisioned(pk: int) -> Site:
    """The site as ``provision_subsite`` returns it: profile, organisation and specific home page at hand."""
    site = Site.objects.select_related("profile__organisation").get(pk=pk)
    site.root_page = Page.objects.get(pk=site.root_page_id).specific
    return site


def _provision_portal() -> int:
    org = new_organisation("宣城市宣州区人民政府", kind=OrganisationKind.PORTAL)
    return new_site("www.example.gov.cn", SiteType.PORTAL, name="宣州区人民政府", organisation=org).pk


def _provision_township() -> int:
    return new_site("shuiyang.example.gov.cn", SiteType.TOWNSHIP, name="水阳镇人民政府").pk


def _provision_department() -> int:
    return new_site("jyj.example.gov.cn", SiteType.DEPARTMENT, name="宣州区教育局").pk


@pytest.fixture
@shared_layer(_provision_portal)
def portal(make_organisation, make_site, request):
    return site_as_provisioned(layer_value(request, _provision_portal))


@pytest.fixture
@shared_layer(_provision_township)
def township(portal, make_site, request):
    return site_as_provisioned(layer_value(request, _provision_township))


@pytest.fixture
@shared_layer(_provision_department)
def department(portal, make_site, request):
    return site_as_provisioned(layer_value(request, _provision_department))


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


def seed_fresh_install() -> None:
    """Recreate what the migrations seed (Wagtail's root page, root collection and locale,
    the national topics, the 信息中心 group), as those migrations do; a flush takes them."""
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
def seeded_transactional_db(transactional_db):
    """A transactional database with what the migrations seed: Django flushes the database
    after each transactional test, and transactional tests must see what a fresh install has."""
    seed_fresh_install()


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
