"""The review workflow's services: each site's workflows, the automatic check and the
publish rule "review before publication". Emergency publishing and its sign-off are
actions (``actions.py``).

Called alike by Wagtail hooks, admin views, management commands and tests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from wagtail.log_actions import log
from wagtail.models import Page, Revision, Site, TaskState, Workflow, WorkflowPage, WorkflowState, WorkflowTask

from cms.accounts.roles import ROLE_LABELS, site_groups
from cms.content.models import ColumnPage, ColumnType
from core.publishing import PublishRefused, review_waiver

from .checks import Finding, check_page, invalidate_matcher
from .models import (
    AutoCheckTask,
    CheckOverride,
    CheckReport,
    EmergencyPublication,
    ProtectedTerm,
    ReviewStep,
    ReviewTask,
    SensitiveWord,
    Severity,
    SiteReviewStep,
    SiteWorkflow,
    TypoPair,
    WorkflowKind,
)

logger = logging.getLogger(__name__)

AUTO_CHECK_TASK_NAME = "自动检查"

# Each review step (after 提交 and 自动检查) is approved by one of the site's role groups;
# each kind of workflow is a sequence of steps.
STEP_ROLES: dict[str, str] = {ReviewStep.FIRST: "reviewer", ReviewStep.FINAL: "leader"}
WORKFLOW_STEPS: dict[str, tuple[str, ...]] = {
    WorkflowKind.FULL: (ReviewStep.FIRST, ReviewStep.FINAL),
    WorkflowKind.QUICK: (ReviewStep.FIRST,),
}
# The blueprint rule: a site's root (so every column) takes the full workflow;
# these column types get their own. Policy documents always need 终审 (保密审查),
# so they keep the full workflow even if the site's default is changed later.
SITE_DEFAULT_WORKFLOW = WorkflowKind.FULL
COLUMN_WORKFLOWS: dict[str, str] = {
    ColumnType.POLICY: WorkflowKind.FULL,
    ColumnType.NEWS: WorkflowKind.QUICK,
}


class WorkflowSetupError(ValidationError):
    """A site's workflow could not be set up (e.g. its editorial groups are missing)."""


# --- provisioning ----------------------------------------------------------


def auto_check_task() -> AutoCheckTask:
    """The one 自动检查 task every site's workflows share (it has no per-site settings)."""
    task = AutoCheckTask.objects.filter(name=AUTO_CHECK_TASK_NAME).order_by("pk").first()
    return task or AutoCheckTask.objects.create(name=AUTO_CHECK_TASK_NAME)


@transaction.atomic
def ensure_site_workflows(site: Site) -> dict[str, Workflow]:
    """Create the site's workflows and assign them per the blueprint rule. Idempotent.

    The site's workflows and steps are found by key (``SiteWorkflow``, ``SiteReviewStep``),
    never by name: a renamed site keeps them. Existing assignments are left alone: once
    the info center has changed a site's or a column's workflow in the admin, running
    this again keeps it.
    """
    groups = site_groups(site)
    missing = [ROLE_LABELS[role] for role in dict.fromkeys(STEP_ROLES.values()) if role not in groups]
    if missing:
        raise WorkflowSetupError(f"站点“{site.site_name}”缺少用户组：{'、'.join(missing)}，无法建立审核流程。")
    tasks = {s.step: s.task for s in SiteReviewStep.objects.filter(site=site).select_related("task")}
    for step, role in STEP_ROLES.items():
        if step not in tasks:
            tasks[step] = ReviewTask.objects.create(name=f"{site.site_name}·{ReviewStep(step).label}")
            tasks[step].groups.set([groups[role]])
            SiteReviewStep.objects.create(site=site, step=step, task=tasks[step])
    workflows = {w.kind: w.workflow for w in SiteWorkflow.objects.filter(site=site).select_related("workflow")}
    check = auto_check_task()
    for kind, steps in WORKFLOW_STEPS.items():
        if kind in workflows:
            continue
        workflow = Workflow.objects.create(name=f"{site.site_name}·{WorkflowKind(kind).label}")
        WorkflowTask.objects.bulk_create(
            WorkflowTask(workflow=workflow, task=task, sort_order=n)
            for n, task in enumerate([check, *(tasks[step] for step in steps)])
        )
        SiteWorkflow.objects.create(site=site, kind=kind, workflow=workflow)
        workflows[kind] = workflow
    root = site.root_page
    assigned = set(WorkflowPage.objects.filter(page__path__startswith=root.path).values_list("page_id", flat=True))
    new = []
    if root.pk not in assigned:
        new.append(WorkflowPage(page=root, workflow=workflows[SITE_DEFAULT_WORKFLOW]))
    columns = ColumnPage.objects.descendant_of(root).filter(column_type__in=list(COLUMN_WORKFLOWS))
    for column in columns.only("pk", "column_type"):
        if column.pk not in assigned:
            new.append(WorkflowPage(page_id=column.pk, workflow=workflows[COLUMN_WORKFLOWS[column.column_type]]))
    WorkflowPage.objects.bulk_create(new)
    return workflows


def ensure_all_site_workflows(sites: Iterable[Site] | None = None) -> int:
    """``ensure_site_workflows`` for every (or the given) site; returns how many sites were done."""
    count = 0
    for site in sites if sites is not None else Site.objects.select_related("root_page").order_by("pk"):
        ensure_site_workflows(site)
        count += 1
    return count


# --- automatic check -------------------------------------------------------


def run_auto_check(
    page: Page, *, revision: Revision | None = None, task_state: TaskState | None = None, user=None
) -> CheckReport:
    """Check a revision of a page (its latest by default), record the report and log it."""
    revision = revision or page.get_latest_revision()
    obj = revision.as_object() if revision else page.specific
    overrides = {(o.kind, o.what): o.reason for o in CheckOverride.objects.filter(page_id=page.pk)}
    try:
        findings = check_page(obj, overrides=overrides)
    except Exception:  # fail closed: an unchecked item must not pass silently
        logger.exception("automatic check failed for page %s", page.pk)
        findings = [
            Finding("error", Severity.BLOCK, "自动检查", "—", "自动检查未能完成，请稍后重新提交或联系信息中心。")
        ]
    report = CheckReport.objects.create(
        page_id=page.pk,
        revision=revision,
        task_state=task_state,
        findings=[f.as_dict() for f in findings],
        blocked=any(f.severity == Severity.BLOCK for f in findings),
    )
    log(
        instance=obj,
        action="workflow.auto_check",
        user=user,
        revision=revision,
        data={
            "report_id": report.pk,
            "blocked": report.blocked,
            "block": len(report.block_findings),
            "warn": len(report.warn_findings),
            "summary": report.summary,
        },
    )
    return report


def run_auto_check_task(task_state: TaskState, user=None) -> CheckReport:
    """The 自动检查 step: finish the task state at once, rejected on any block finding.

    ``update=False``: ``WorkflowState.update`` moves the workflow on itself once
    ``start`` returns a finished task state.
    """
    page = task_state.workflow_state.content_object
    report = run_auto_check(page, revision=task_state.revision, task_state=task_state, user=user)
    if report.blocked:
        task_state.reject(user=None, update=False, comment=report.summary)
    else:
        task_state.approve(user=None, update=False, comment=report.summary)
    return report


def approve_latest_revision(task_state: TaskState) -> bool:
    """Before a review step approves: the approval is of the latest revision (the one the
    reviewer sees, and the one Wagtail publishes when the workflow finishes), checked.

    A revision made during the step (the reviewer edited it) is checked first if it never
    was; on a block finding the item goes back with the report and this returns False.
    """
    page = task_state.workflow_state.content_object
    revision = page.get_latest_revision()
    if auto_check_task().active and not CheckReport.objects.filter(revision=revision).exists():
        report = run_auto_check(page, revision=revision)
        if report.blocked:
            task_state.reject(user=None, comment=f"审核中修改的版本{report.summary}")
            return False
    if task_state.revision_id != revision.pk:
        task_state.revision = revision
        task_state.save(update_fields=["revision"])
    return True


def latest_report(page: Page) -> CheckReport | None:
    return CheckReport.objects.filter(page_id=page.pk).order_by("-created_at", "-pk").first()


# --- publishing goes through review ---------------------------------------


def review_required(page: Page, user) -> bool:
    """Whether the admin should offer only "submit for review" for this page (hides Wagtail's publish button).

    Superusers keep Wagtail's publish button (operations and repairs); everyone
    else publishes a page under an active workflow only through that workflow
    or, for the info center, through 紧急发布. ``check_reviewed`` enforces it.
    """
    if user.is_superuser:
        return False
    workflow = page.get_workflow() if page.pk else None
    return bool(workflow and workflow.active)


REVIEW_REQUIRED_MESSAGE = "本站信息须经审核流程发布：请点击“提交审核”。信息中心如需立即发布，请使用“紧急发布”。"


def check_reviewed(page: Page, revision: Revision | None) -> None:
    """The publish rule (``core.publishing``): under an active workflow, a revision goes live only
    when that workflow approved it, it was published as 紧急发布, or a superuser saved it.

    ``page`` may be a copy or an alias being created, or a page about to be moved, with the
    source's live revision: then "that workflow" is the one where the page will stand."""
    if review_waiver() is not None:
        return
    workflow = page.get_workflow()
    if not (workflow and workflow.active):
        return
    if revision is None:
        raise PublishRefused(REVIEW_REQUIRED_MESSAGE)
    if revision.user_id and revision.user.is_superuser:
        return
    # Approved by this page's own workflow: a copy, alias or move into a column that
    # requires 终审 does not carry an approval of the source column's 初审-only workflow.
    approved = TaskState.objects.filter(
        revision=revision,
        status=TaskState.STATUS_APPROVED,
        workflow_state__status=WorkflowState.STATUS_APPROVED,
        workflow_state__workflow=workflow,
    )
    if approved.exists() or EmergencyPublication.objects.filter(revision=revision).exists():
        return
    raise PublishRefused(REVIEW_REQUIRED_MESSAGE)


def reviewing_groups(page: Page) -> list[Group]:
    """The groups that approve steps of the page's workflow (its site's 审核 and 领导)."""
    workflow = page.get_workflow()
    if workflow is None:
        return []
    return list(Group.objects.filter(reviewtask__workflow_tasks__workflow=workflow).distinct())


def emergency_publications_for(user):
    """The records a user may see: all for the info center, their own sites' for a reviewer."""
    records = EmergencyPublication.objects.select_related("page", "published_by", "signed_off_by")
    if user.has_perm("workflow.view_emergencypublication"):
        return records
    paths = [p.path for p in Page.objects.filter(group_permissions__group__in=user.groups.all()).distinct()]
    if not paths:
        return records.none()
    condition = Q()
    for path in paths:
        condition |= Q(page__path__startswith=path)
    return records.filter(condition)


# --- word lists -------------------------------------------------------------


@transaction.atomic
def seed_word_lists(
    sensitive: Iterable[tuple[str, str, str]] = (),
    protected: Iterable[tuple[str, str, Iterable[str]]] = (),
    typos: Iterable[tuple[str, str]] = (),
) -> int:
    """Add words missing from the lists (idempotent); returns how many were added.

    ``sensitive``: (word, category, severity); ``protected``: (correct, category, wrong variants);
    ``typos``: (wrong, correct).
    """
    added = 0
    for word, category, severity in sensitive:
        added += SensitiveWord.objects.get_or_create(word=word, defaults={"category": category, "severity": severity})[
            1
        ]
    for correct, category, variants in protected:
        added += ProtectedTerm.objects.get_or_create(
            correct=correct, defaults={"category": category, "wrong_variants": "\n".join(variants)}
        )[1]
    for wrong, correct in typos:
        added += TypoPair.objects.get_or_create(wrong=wrong, defaults={"correct": correct})[1]
    invalidate_matcher()
    return added
