"""Per-site groups are tied to their site by key: renaming a site changes nothing else."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from wagtail.models import Workflow

from cms.accounts.lifecycle import AccountRequest, create_account, move_account
from cms.accounts.roles import INFO_CENTER_GROUP, info_center_group
from cms.workflow.services import ensure_site_workflows
from sites.groups import ROLES, site_group, site_groups, site_of_group
from sites.models import SiteGroup

from ..conftest import column_of, publish_article, publish_through_workflow

RENAMED = "宣州区教育体育局"


def rename(site, name: str = RENAMED) -> None:
    site.site_name = name
    site.save()


class TestSiteGroups:
    def test_every_role_has_one_group_tied_to_its_site(self, department, township):
        groups = site_groups(department)
        assert set(groups) == {role.key for role in ROLES}
        assert all(site_of_group(group) == department for group in groups.values())
        assert not set(groups.values()) & set(site_groups(township).values())

    def test_other_groups_belong_to_no_site(self, department):
        assert site_of_group(info_center_group(INFO_CENTER_GROUP)) is None

    def test_a_missing_role_is_a_clear_error(self, department):
        site_group(department, "editor").delete()
        with pytest.raises(Group.DoesNotExist, match="没有角色“editor”的用户组"):
            site_group(department, "editor")

    def test_a_new_site_may_take_the_name_a_renamed_site_left(self, department, make_site):
        rename(department)
        again = make_site("jyj2.example.gov.cn", name="宣州区教育局")
        assert site_group(again, "editor") != site_group(department, "editor")
        assert site_group(department, "editor").name == "宣州区教育局·编辑"  # the label stays as it was


class TestRenamingASite:
    def test_accounts_are_still_created_and_moved_by_site(self, department, township):
        rename(department)
        user, _ = create_account(
            AccountRequest(
                username="jyj_new",
                site=department.hostname,
                role="editor",
                responsible_name="张三",
                responsible_phone="0563-3022101",
            )
        )
        assert list(user.groups.all()) == [site_group(department, "editor")]
        move_account(user, township.hostname)
        assert list(user.groups.all()) == [site_group(township, "editor")]

    def test_the_review_workflow_still_publishes(self, department, make_user):
        editor, reviewer, leader = (make_user(department, role) for role in ("editor", "reviewer", "leader"))
        rename(department)
        page = publish_article(column_of(department, "zcwj"), "改名后的政策文件")
        page.title = "改名后的政策文件（修订）"
        page.save_revision(user=editor)
        publish_through_workflow(page, editor=editor, reviewers=[reviewer, leader])
        page.refresh_from_db()
        assert page.live and page.title == "改名后的政策文件（修订）"

    def test_ensuring_workflows_again_makes_no_second_set(self, department):
        rename(department)
        before = Workflow.objects.count()
        ensure_site_workflows(department)
        assert Workflow.objects.count() == before


class TestBackfill:
    def test_groups_made_before_site_groups_are_tied_to_their_site_once(self, department, township):
        """Migration sites.0005: the one place a group is matched by its name."""
        expected = {(link.site_id, link.role, link.group_id) for link in SiteGroup.objects.all()}
        rename(township)  # a site renamed before the migration: found by its root-page permissions
        SiteGroup.objects.all().delete()
        backfill = importlib.import_module("migrations.sites.0005_backfill_site_groups").backfill
        backfill(apps, None)
        backfill(apps, None)  # idempotent
        assert {(link.site_id, link.role, link.group_id) for link in SiteGroup.objects.all()} == expected


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_cluster_imports_no_editorial_app():
    """Dependencies point one way: core ← sites ← cms.* (function-level imports included)."""
    offenders = {
        f"{path.relative_to(settings.BASE_DIR)}: {name}"
        for path in (settings.BASE_DIR / "sites").rglob("*.py")
        for name in imported_modules(path)
        if name == "cms" or name.startswith(("cms.", "search", "demo"))
    }
    assert not offenders


def test_the_kernel_imports_no_app_of_the_project():
    """core imports only Django, Wagtail and libraries: the cluster and the editorial apps build on it."""
    offenders = {
        f"{path.relative_to(settings.BASE_DIR)}: {name}"
        for path in (settings.BASE_DIR / "core").rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in ("sites", "cms", "search", "demo", "themes")
    }
    assert not offenders
