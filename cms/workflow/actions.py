"""紧急发布 and its sign-off, and 放行 of a block finding, each one action in Wagtail's ``wagtail/actions/`` shape:
``check()`` (permission and validity, a Chinese message on refusal), then ``execute()``
doing the work in one transaction. The admin views and the tests call these.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Revision, WorkflowState

from core.forms import text_refusal

from .checks import OVERRIDABLE_KINDS
from .models import CheckOverride, EmergencyPublication
from .services import auto_check_task, latest_report, reviewing_groups, run_auto_check

EMERGENCY_PUBLISH = "workflow.emergency_publish"
MIN_REASON_LENGTH = 4


class EmergencyPublishError(ValidationError):
    """An emergency publication or sign-off was refused; the message says why."""


class EmergencyPublishAction:
    """紧急发布: publish the page's latest revision now, skipping review, and flag it for a sign-off.

    The record is written first, in the same transaction as the publication: it is what lets
    this revision pass the review rule (``services.check_reviewed``). Every other publish
    rule still applies (an actively taken-down item stays down), and a refusal rolls the
    record back with the publication."""

    def __init__(self, page: Page, *, user, reason: str) -> None:
        self.page = page.specific
        self.user = user
        self.reason = (reason or "").strip()
        self.revision: Revision | None = self.page.get_latest_revision()

    def check(self) -> None:
        if not (self.user and self.user.has_perm(EMERGENCY_PUBLISH)):
            raise EmergencyPublishError("只有信息中心可以紧急发布。")
        if len(self.reason) < MIN_REASON_LENGTH:
            raise EmergencyPublishError(f"请填写紧急发布的理由（至少{MIN_REASON_LENGTH}个字）。")
        if message := text_refusal(EmergencyPublication, "reason", self.reason):
            raise EmergencyPublishError(message)
        if self.revision is None:
            raise EmergencyPublishError("该页面还没有可发布的版本。")

    def execute(self) -> EmergencyPublication:
        self.check()
        with transaction.atomic():
            workflow_state = self.page.current_workflow_state
            if workflow_state is not None:
                workflow_state.cancel(user=self.user)  # superseded by the retrospective review
            record = EmergencyPublication.objects.create(
                page=self.page, revision=self.revision, reason=self.reason, published_by=self.user
            )
            self.revision.publish(user=self.user)
            # Not a gate here, but the retrospective reviewer gets the same report as any reviewer.
            run_auto_check(self.page, revision=self.revision, user=self.user)
            log(
                instance=self.page,
                action="workflow.emergency_publish",
                user=self.user,
                revision=self.revision,
                data={"reason": self.reason, "record_id": record.pk},
            )
        return record


def can_sign_off(record: EmergencyPublication, user) -> bool:
    """A reviewer of the page's own site (in a group of its workflow), never the one who published it."""
    if not user.is_active or record.is_signed_off or record.published_by_id == user.pk:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(pk__in=[g.pk for g in reviewing_groups(record.page)]).exists()


class SignOffEmergencyAction:
    """补审: a reviewer of the page's site confirms an emergency publication afterwards."""

    def __init__(self, record: EmergencyPublication, *, user, comment: str = "") -> None:
        self.record = record
        self.user = user
        self.comment = (comment or "").strip()

    def check(self, record: EmergencyPublication | None = None) -> None:
        record = record or self.record
        if record.is_signed_off:
            raise EmergencyPublishError("该紧急发布已补审。")
        if message := text_refusal(EmergencyPublication, "sign_off_comment", self.comment):
            raise EmergencyPublishError(message)
        if not can_sign_off(record, self.user):
            raise PermissionDenied("只有该站点的审核人员可以补审，且发布人不能补审自己的紧急发布。")

    def execute(self) -> EmergencyPublication:
        self.check()
        with transaction.atomic():
            # Checked again on the locked row: two reviewers signing off at once record one sign-off.
            record = EmergencyPublication.objects.select_for_update().get(pk=self.record.pk)
            self.check(record)
            record.signed_off_by = self.user
            record.signed_off_at = timezone.now()
            record.sign_off_comment = self.comment
            record.save(update_fields=["signed_off_by", "signed_off_at", "sign_off_comment"])
            log(
                instance=record.page.specific,
                action="workflow.sign_off",
                user=self.user,
                data={"record_id": record.pk, "comment": record.sign_off_comment},
            )
        self.record = record
        return record


class CheckOverrideError(ValidationError):
    """A 放行 was refused; the message says why."""


def can_override_check(page: Page, user) -> bool:
    """A reviewer of the page's own site (in a group of its workflow), like a sign-off."""
    if not (user and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(pk__in=[g.pk for g in reviewing_groups(page)]).exists()


class OverrideCheckAction:
    """放行: a reviewer judges a block finding of the page's latest check a false positive (e.g. a
    phrase quoted in an anti-fraud notice), with a reason. Later checks of the page report it as a
    reminder; if it was what sent the item back, the item goes on to review at once."""

    def __init__(self, page: Page, *, user, kind: str, what: str, reason: str) -> None:
        self.page = page.specific
        self.user = user
        self.kind = kind
        self.what = what
        self.reason = (reason or "").strip()
        self.report = latest_report(self.page)
        self.resumed = False

    def check(self) -> None:
        if not can_override_check(self.page, self.user):
            raise PermissionDenied("只有本站审核人员可以放行自动检查的禁止项。")
        findings = self.report.block_findings if self.report else []
        if not any(f["kind"] == self.kind and f["what"] == self.what for f in findings):
            raise CheckOverrideError("最近一次自动检查没有这一禁止项，无需放行。")
        if self.kind not in OVERRIDABLE_KINDS:
            raise CheckOverrideError("链接、无障碍、公开目录字段和发布日期的问题须修改后重新提交，不能放行。")
        if self.report.revision and self.report.revision.user_id == self.user.pk:
            raise PermissionDenied("不能放行自己提交的版本，请由本站其他审核人员判断。")
        if len(self.reason) < MIN_REASON_LENGTH:
            raise CheckOverrideError(f"请填写放行理由（至少{MIN_REASON_LENGTH}个字）。")
        if message := text_refusal(CheckOverride, "reason", self.reason):
            raise CheckOverrideError(message)

    def execute(self) -> CheckOverride:
        self.check()
        with transaction.atomic():
            override, _ = CheckOverride.objects.update_or_create(
                page_id=self.page.pk,
                kind=self.kind,
                what=self.what,
                defaults={"reason": self.reason, "overridden_by": self.user, "report": self.report},
            )
            log(
                instance=self.page,
                action="workflow.override_check",
                user=self.user,
                data={"kind": self.kind, "what": self.what, "reason": self.reason, "report_id": self.report.pk},
            )
            overridden = set(CheckOverride.objects.filter(page_id=self.page.pk).values_list("kind", "what"))
            remaining = [f for f in self.report.block_findings if (f["kind"], f["what"]) not in overridden]
            state = self.page.current_workflow_state
            if (
                not remaining
                and state is not None
                and state.status == WorkflowState.STATUS_NEEDS_CHANGES
                and state.current_task_state.task_id == auto_check_task().pk
            ):
                state.resume(user=self.user)  # the check runs again and, passing, review begins
                state.refresh_from_db()
                self.resumed = state.status == WorkflowState.STATUS_IN_PROGRESS
        return override
