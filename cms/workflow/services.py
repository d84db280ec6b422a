"""Business actions of the review workflow: provisioning workflows, the automatic
check, emergency publishing and its sign-off.

Plain functions called alike by Wagtail hooks, admin views, management commands
and tests. Each checks first and writes in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Revision, Site, TaskState, Workflow, WorkflowPage, WorkflowState, WorkflowTask

from cms.content.models import ColumnPage, ColumnType
from core.publishing import PublishRefused, review_waiver
from sites.groups import ROLE_BY_KEY
from sites.groups import site_groups as cluster_site_groups

from .checks import Finding, check_page, invalidate_matcher
from .models import (
    AutoCheckTask,
    CheckReport,
    EmergencyPublication,
    ProtectedTerm,
    ReviewTask,
    SensitiveWord,
    Severity,
    TypoPair,
)

logger = logging.getLogger(__name__)

INFO_CENTER_GROUP = "信息中心"  # sites.services.INFO_CENTER_GROUP; repeated to keep this import-cycle free
AUTO_CHECK_TASK_NAME = "自动检查"

# The review steps (after 提交 and 自动检查) of each kind of workflow: which
# per-site group (sites.groups.ROLES label) approves each step.
FULL, QUICK = "full", "quick"
WORKFLOW_KINDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    FULL: ("标准审核（初审、终审）", (("初审", "审核"), ("终审/保密审查", "领导"))),
    QUICK: ("简易审核（初审）", (("初审", "审核"),)),
}
# The blueprint rule: a site's root (so every column) takes the full workflow;
# these column types get their own. Policy documents always need 终审 (保密审查),
# so they keep the full workflow even if the site's default is changed later.
SITE_DEFAULT_WORKFLOW = FULL
COLUMN_WORKFLOWS: dict[str, str] = {
    ColumnType.POLICY: FULL,
    ColumnType.NEWS: QUICK,
}


class WorkflowSetupError(ValidationError):
    """A site's workflow could not be set up (e.g. its editorial groups are missing)."""


class EmergencyPublishError(ValidationError):
    """An emergency publication or sign-off was refused; the message says why."""


# --- provisioning ----------------------------------------------------------


def auto_check_task() -> AutoCheckTask:
    """The one 自动检查 task every site's workflows share (it has no per-site settings)."""
    task = AutoCheckTask.objects.filter(name=AUTO_CHECK_TASK_NAME).order_by("pk").first()
    return task or AutoCheckTask.objects.create(name=AUTO_CHECK_TASK_NAME)


def site_groups(site: Site) -> dict[str, Group]:
    """The site's editorial groups by role label (编辑, 审核, 领导 …), as WORKFLOW_KINDS names them.

    Tied to the site by key (``sites.groups``), so a renamed site keeps its groups.
    """
    return {ROLE_BY_KEY[role].label: group for role, group in cluster_site_groups(site).items()}


@transaction.atomic
def ensure_site_workflows(site: Site) -> dict[str, Workflow]:
    """Create the site's workflows and assign them per the blueprint rule. Idempotent.

    Existing assignments are left alone: once the info center has changed a
    site's or a column's workflow in the admin, running this again keeps it.
    """
    groups = site_groups(site)
    needed = {label for _, steps in WORKFLOW_KINDS.values() for _, label in steps}
    missing = sorted(needed - set(groups))
    if missing:
        raise WorkflowSetupError(f"站点“{site.site_name}”缺少用户组：{'、'.join(missing)}，无法建立审核流程。")
    check = auto_check_task()
    tasks: dict[str, ReviewTask] = {}
    workflows: dict[str, Workflow] = {}
    for kind, (title, steps) in WORKFLOW_KINDS.items():
        workflow, created = Workflow.objects.get_or_create(name=f"{site.site_name}·{title}")
        workflows[kind] = workflow
        if not created:
            continue
        step_tasks = [check]
        for step, label in steps:
            if step not in tasks:
                tasks[step], task_created = ReviewTask.objects.get_or_create(name=f"{site.site_name}·{step}")
                if task_created:
                    tasks[step].groups.set([groups[label]])
            step_tasks.append(tasks[step])
        WorkflowTask.objects.bulk_create(
            WorkflowTask(workflow=workflow, task=task, sort_order=n) for n, task in enumerate(step_tasks)
        )
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


INFO_CENTER_PERMISSIONS = {
    # Wagtail's workflow admin: the info center shapes every site's workflows.
    "wagtailcore": [f"{a}_{m}" for m in ("workflow", "task") for a in ("add", "change", "delete")],
    # The word lists and the emergency publication records are the info center's alone.
    "workflow": [
        f"{a}_{m}" for m in ("sensitiveword", "protectedterm", "typopair") for a in ("add", "change", "delete", "view")
    ]
    + ["view_emergencypublication", "view_checkreport"],
}


def ensure_info_center_workflow_permissions() -> Group:
    """Give the 信息中心 group the workflow and word-list permissions. Idempotent (run after migrate)."""
    from django.apps import apps

    for app_label in INFO_CENTER_PERMISSIONS:
        create_permissions(apps.get_app_config(app_label), verbosity=0)
    group, _ = Group.objects.get_or_create(name=INFO_CENTER_GROUP)
    for app_label, codenames in INFO_CENTER_PERMISSIONS.items():
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    return group


def is_info_center(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.groups.filter(name=INFO_CENTER_GROUP).exists()))


# --- automatic check -------------------------------------------------------


def run_auto_check(
    page: Page, *, revision: Revision | None = None, task_state: TaskState | None = None, user=None
) -> CheckReport:
    """Check a revision of a page (its latest by default), record the report and log it."""
    revision = revision or page.get_latest_revision()
    obj = revision.as_object() if revision else page.specific
    try:
        findings = check_page(obj)
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


def check_before_approval(task_state: TaskState) -> bool:
    """Before a review step approves: check the latest revision if it never was.

    Returns False (and sends the item back with the report) on a block finding.
    """
    page = task_state.workflow_state.content_object
    revision = page.get_latest_revision()
    if CheckReport.objects.filter(revision=revision).exists() or not auto_check_task().active:
        return True
    report = run_auto_check(page, revision=revision)
    if report.blocked:
        task_state.reject(user=None, comment=f"审核中修改的版本{report.summary}")
        return False
    return True


def latest_report(page: Page) -> CheckReport | None:
    return CheckReport.objects.filter(page_id=page.pk).order_by("-created_at", "-pk").first()


# --- direct and emergency publishing --------------------------------------


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
    when that workflow approved it, it was published as 紧急发布, or a superuser saved it."""
    if review_waiver() is not None:
        return
    workflow = page.get_workflow()
    if not (workflow and workflow.active):
        return
    if revision is None:
        raise PublishRefused(REVIEW_REQUIRED_MESSAGE)
    if revision.user_id and revision.user.is_superuser:
        return
    approved = TaskState.objects.filter(
        revision=revision,
        status=TaskState.STATUS_APPROVED,
        workflow_state__status=WorkflowState.STATUS_APPROVED,
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


@transaction.atomic
def emergency_publish(page: Page, *, user, reason: str) -> EmergencyPublication:
    """紧急发布: publish the page's latest revision now, skipping review; flag it for a sign-off."""
    reason = (reason or "").strip()
    if not is_info_center(user):
        raise EmergencyPublishError("只有信息中心可以紧急发布。")
    if len(reason) < 4:
        raise EmergencyPublishError("请填写紧急发布的理由（至少4个字）。")
    page = page.specific
    revision = page.get_latest_revision()
    if revision is None:
        raise EmergencyPublishError("该页面还没有可发布的版本。")
    workflow_state = page.current_workflow_state
    if workflow_state is not None:
        workflow_state.cancel(user=user)  # the review in progress is superseded by the retrospective one
    # The record first: it is what lets this revision pass the review rule (check_reviewed).
    record = EmergencyPublication.objects.create(page=page, revision=revision, reason=reason, published_by=user)
    revision.publish(user=user)
    # Not a gate here, but the retrospective reviewer gets the same report as any reviewer.
    run_auto_check(page, revision=revision, user=user)
    log(
        instance=page,
        action="workflow.emergency_publish",
        user=user,
        revision=revision,
        data={"reason": reason, "record_id": record.pk},
    )
    return record


def can_sign_off(record: EmergencyPublication, user) -> bool:
    """A reviewer of the page's own site (in a group of its workflow), never the one who published it."""
    if not user.is_active or record.is_signed_off or record.published_by_id == user.pk:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(pk__in=[g.pk for g in reviewing_groups(record.page)]).exists()


@transaction.atomic
def sign_off_emergency(record: EmergencyPublication, *, user, comment: str = "") -> EmergencyPublication:
    record = EmergencyPublication.objects.select_for_update().get(pk=record.pk)
    if record.is_signed_off:
        raise EmergencyPublishError("该紧急发布已补审。")
    if not can_sign_off(record, user):
        raise PermissionDenied("只有该站点的审核人员可以补审，且发布人不能补审自己的紧急发布。")
    record.signed_off_by = user
    record.signed_off_at = timezone.now()
    record.sign_off_comment = (comment or "").strip()
    record.save(update_fields=["signed_off_by", "signed_off_at", "sign_off_comment"])
    log(
        instance=record.page.specific,
        action="workflow.sign_off",
        user=user,
        data={"record_id": record.pk, "comment": record.sign_off_comment},
    )
    return record


def emergency_publications_for(user):
    """The records a user may see: all for the info center, their own sites' for a reviewer."""
    records = EmergencyPublication.objects.select_related("page", "published_by", "signed_off_by")
    if is_info_center(user):
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
