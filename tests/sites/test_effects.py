"""A change to the cluster retires what it affects in every process, however it was made.

DEFECT 2 (issue 13): the receivers that retire the per-site facts were connected
only because ``sites.middleware`` imported ``sites.site_facts``; a site closed by a
process that never loaded the middleware (a management command, a worker) stayed
open in every web process for up to 24 hours. The receivers are now connected in
``SitesConfig.ready()``, in every process.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from core.cache import Scope, generation
from sites import site_facts
from sites.models import SiteStatus

NOTICE = "本站已并入门户网站。"


def get(client, site, path="/"):
    return client.get(path, HTTP_HOST=site.hostname)


def facts_cached(site) -> bool:
    return cache.get(site_facts._key(site.hostname, 80)) is not None


@pytest.fixture
def shared_cache() -> None:
    """Two processes see one cache only through Redis."""
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run this test with REDIS_URL set: it is the regression test of a closed site served.")
        pytest.skip("needs REDIS_URL: the command's process and this one share the site-facts cache only through Redis")


def database_url() -> str:
    """The test database (pytest-django's ``test_<name>``) as a DATABASE_URL for a child process."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs on PostgreSQL: another process cannot see this test database.")
        pytest.skip("needs PostgreSQL (DATABASE_URL): another process cannot see an in-memory SQLite test database")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_manage(*args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": database_url()}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class TestClosingFromAnotherProcess:
    def test_a_site_closed_by_a_command_in_its_own_process_answers_410_at_once(
        self, seeded_transactional_db, shared_cache, client, portal, township
    ):
        assert get(client, township).status_code == 200
        assert facts_cached(township)  # this process now serves the township from cached facts

        # --skip-checks: nothing in that process loads URLconfs or middleware.
        result = run_manage("close_subsite", township.hostname, "--notice", NOTICE, "--skip-checks")
        assert result.returncode == 0, result.stderr

        township.profile.refresh_from_db()
        assert township.profile.status == SiteStatus.CLOSED
        response = get(client, township)
        assert response.status_code == 410
        assert NOTICE in response.content.decode()


class TestClosingInThisProcess:
    def test_the_command_retires_the_cached_facts(self, client, portal, township):
        assert get(client, township).status_code == 200
        assert facts_cached(township)
        call_command("close_subsite", township.hostname, "--notice", NOTICE)
        assert get(client, township).status_code == 410

    def test_reopening_by_command_serves_the_site_again(self, client, portal, township):
        call_command("close_subsite", township.hostname, "--notice", NOTICE)
        assert get(client, township).status_code == 410
        call_command("reopen_subsite", township.hostname)
        assert get(client, township).status_code == 200


class TestSenderFilters:
    def test_a_save_the_cluster_does_not_show_retires_nothing(self, township):
        pages, facts = generation(Scope.PAGES), generation(Scope.SITE_FACTS)
        get_user_model().objects.create_user("someone", password="Someone-2026-pass")
        assert (generation(Scope.PAGES), generation(Scope.SITE_FACTS)) == (pages, facts)

    def test_a_draft_of_a_column_keeps_the_site_facts(self, township):
        from ..conftest import column_of

        facts = generation(Scope.SITE_FACTS)
        column = column_of(township, "gzdt")
        column.title = "工作动态（草稿）"
        column.save_revision()
        assert generation(Scope.SITE_FACTS) == facts

    def test_a_draft_of_a_home_page_retires_the_site_facts(self, township):
        facts = generation(Scope.SITE_FACTS)
        home = township.root_page.specific
        home.title = "新标题"
        home.save_revision()
        assert generation(Scope.SITE_FACTS) != facts

    def test_renaming_an_organisation_retires_pages_and_facts(self, township):
        pages, facts = generation(Scope.PAGES), generation(Scope.SITE_FACTS)
        organisation = township.profile.organisation
        organisation.short_name = "新简称"
        organisation.save()
        assert generation(Scope.PAGES) != pages
        assert generation(Scope.SITE_FACTS) != facts
