"""Every provisioned site gets its review workflows, assigned by the blueprint rule."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, WorkflowPage

from cms.workflow.models import AutoCheckTask, ReviewTask
from cms.workflow.services import WorkflowSetupError, ensure_site_workflows
from tests.conftest import column_of


def task_names(workflow) -> list[str]:
    return [task.name for task in workflow.tasks]


def test_a_new_site_has_the_full_workflow_on_its_root(department):
    workflow = department.root_page.get_workflow()
    assert workflow.name == "宣州区教育局·标准审核（初审、终审）"
    assert task_names(workflow) == ["自动检查", "宣州区教育局·初审", "宣州区教育局·终审/保密审查"]
    first, final = ReviewTask.objects.filter(name__startswith="宣州区教育局·").order_by("name")
    assert {g.name for g in first.groups.all()} | {g.name for g in final.groups.all()} == {
        "宣州区教育局·审核",
        "宣州区教育局·领导",
    }


def test_columns_follow_the_blueprint_rule(department):
    # 政策文件 always needs 终审; news takes the shorter workflow; others inherit the site's.
    assert column_of(department, "zcwj").get_workflow().name.endswith("标准审核（初审、终审）")
    assert task_names(column_of(department, "gzdt").get_workflow())[1:] == ["宣州区教育局·初审"]
    assert column_of(department, "tzgg").get_workflow() == department.root_page.get_workflow()


def test_sites_share_the_check_task_but_never_approval_tasks(portal, township):
    assert AutoCheckTask.objects.count() == 1
    township_groups = set(Group.objects.filter(reviewtask__workflow_tasks__workflow=township.root_page.get_workflow()))
    assert township_groups and all(g.name.startswith("水阳镇人民政府·") for g in township_groups)


def test_ensuring_again_keeps_the_info_centers_changes(department):
    column = column_of(department, "gzdt")
    full = department.root_page.get_workflow()
    WorkflowPage.objects.filter(page=column).update(workflow=full)  # the info center changed it
    ensure_site_workflows(department)
    ensure_site_workflows(department)
    assert column.get_workflow() == full
    assert WorkflowPage.objects.filter(page__path__startswith=department.root_page.path).count() == 3


def test_the_command_sets_up_sites_that_predate_workflows(department):
    WorkflowPage.objects.all().delete()
    assert Page.objects.get(pk=department.root_page_id).get_workflow() is None
    call_command("ensure_workflows", verbosity=0)
    assert Page.objects.get(pk=department.root_page_id).get_workflow().name.startswith("宣州区教育局·")


def test_a_site_without_its_groups_is_refused_clearly(department):
    Group.objects.filter(name="宣州区教育局·领导").delete()
    with pytest.raises(WorkflowSetupError, match="缺少用户组：领导"):
        ensure_site_workflows(department)


def test_setting_up_a_sites_workflows_costs_the_same_however_many_sites(portal, department, make_site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Workflow

    from sites.models import SiteType

    def queries() -> int:
        Workflow.objects.filter(name__startswith="宣州区教育局·").delete()
        with CaptureQueriesContext(connection) as captured:
            ensure_site_workflows(department)
        return len(captured)

    few = queries()
    for n in range(3):
        make_site(f"more{n}.example.gov.cn", SiteType.DEPARTMENT, name=f"更多{n}")
    assert queries() == few


def test_renaming_a_site_changes_nothing(department, make_user):
    from wagtail.models import Workflow

    from tests.conftest import publish_through_workflow

    from .conftest import draft_article

    workflow = department.root_page.get_workflow()
    before = (set(Workflow.objects.values_list("pk", flat=True)), set(ReviewTask.objects.values_list("pk", flat=True)))
    department.site_name = "宣州区教育体育局"
    department.save()

    ensure_site_workflows(department)
    call_command("ensure_workflows", verbosity=0)

    after = (set(Workflow.objects.values_list("pk", flat=True)), set(ReviewTask.objects.values_list("pk", flat=True)))
    assert after == before and column_of(department, "tzgg").get_workflow() == workflow
    editor, reviewer, leader = (make_user(department, role) for role in ("editor", "reviewer", "leader"))
    page = draft_article(column_of(department, "tzgg"), "改名后的通知", user=editor)
    publish_through_workflow(page, editor=editor, reviewers=[reviewer, leader])
    assert Page.objects.get(pk=page.pk).live


def test_the_backfill_ties_existing_workflows_to_their_site_by_their_old_names(department):
    import importlib

    from django.apps import apps
    from wagtail.models import Workflow

    from cms.workflow.models import SiteReviewStep, SiteWorkflow

    SiteWorkflow.objects.all().delete()  # as before the migration: only the names say which is whose
    SiteReviewStep.objects.all().delete()
    workflows = Workflow.objects.count()

    importlib.import_module("migrations.workflow.0003_backfill_site_workflows").backfill(apps, None)

    assert SiteWorkflow.objects.filter(site=department).count() == 2
    assert SiteReviewStep.objects.filter(site=department).count() == 2
    ensure_site_workflows(department)
    assert Workflow.objects.count() == workflows
