"""紧急发布 and its sign-off, each one action in Wagtail's ``wagtail/actions/`` shape:
``check()`` (permission and validity, a Chinese message on refusal), then ``execute()``
doing the work in one transaction. The admin views and the tests call these.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from core.forms import text_refusal

from .models import EmergencyPublication
from .services import reviewing_groups, run_auto_check

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
