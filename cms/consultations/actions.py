"""Actions on comments, each in Wagtail's ``wagtail/actions/`` shape: ``check()`` (a Chinese
message on refusal, nothing written), then ``execute()`` doing every write in one transaction.

States: 待审核 → 已公开, 待审核 → 不予公开, 已公开 → 不予公开 (withdrawn later). A comment
with a word-list hit is approved only with an explicit confirmation; a consultation whose
comments are never published takes them as 不予公开 at once (nothing to review).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from cms.workflow.checks import check_words, get_matcher
from core.personal_data import blind_index
from sites.page_cache import retire_after_commit

from .handlers import consultation_tags
from .models import (
    CONTENT_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    CommentMode,
    CommentState,
    ConsultationComment,
    ConsultationPage,
    ConsultationState,
)
from .permissions import can_moderate

APPROVE = "consultations.approve_comment"
REFUSE = "consultations.refuse_comment"
IP_DIGEST_PURPOSE = "consultation-comment-ip"
PHONE_RATE_PURPOSE = "consultation-comment-rate"

PHONE_PATTERN = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CommentRefused(ValidationError):
    """A submission or a moderation step was refused; the message (Chinese) says why."""


def closed_message(consultation: ConsultationPage, today=None) -> str:
    """Why no comment is taken now, or "" while the consultation is open."""
    state = consultation.state(today)
    if state == ConsultationState.UPCOMING:
        return f"本次意见征集尚未开始，将于{consultation.start_date:%Y年%m月%d日}开始接受意见。"
    if state in (ConsultationState.CLOSED, ConsultationState.ANSWERED):
        return f"本次意见征集已于{consultation.end_date:%Y年%m月%d日}结束，不再接受意见。"
    return ""


@dataclass
class CommentInput:
    content: str
    name: str
    phone: str
    email: str = ""
    consent: bool = False


def comment_errors(data: CommentInput) -> dict[str, str]:
    """Every problem of a submission, per field, in Chinese (the public form and the action share it)."""
    errors: dict[str, str] = {}
    content = data.content.strip()
    limits = (
        ("content", content, "意见内容", CONTENT_MAX_LENGTH, True),
        ("name", data.name.strip(), "姓名", NAME_MAX_LENGTH, True),
        ("phone", data.phone.strip(), "联系电话", PHONE_MAX_LENGTH, True),
        ("email", data.email.strip(), "电子邮箱", EMAIL_MAX_LENGTH, False),
    )
    for field, value, label, limit, required in limits:
        if required and not value:
            errors[field] = f"请填写{label}。"
        elif CONTROL_CHARACTERS.search(value):
            errors[field] = f"{label}含有无法保存的控制字符，请删除后重试。"
        elif len(value) > limit:
            errors[field] = f"{label}最多 {limit} 个字，现为 {len(value)} 个字。"
    if "phone" not in errors and not PHONE_PATTERN.match(data.phone.strip()):
        errors["phone"] = "请填写正确的手机号码（11位）或固定电话（如 0563-1234567）。"
    if "email" not in errors and data.email.strip() and not EMAIL_PATTERN.match(data.email.strip()):
        errors["email"] = "电子邮箱格式不正确。"
    if "content" not in errors and len(content) < 5:
        errors["content"] = "意见内容至少 5 个字。"
    if not data.consent:
        errors["consent"] = "请阅读并同意个人信息处理说明后再提交。"
    return errors


def phone_rate_identity(phone: str) -> str:
    """What the rate limit counts a phone by: a keyed digest, never the number."""
    return blind_index(re.sub(r"\D", "", phone), PHONE_RATE_PURPOSE)


class SubmitCommentAction:
    """A citizen's comment, taken only while the consultation is open (its end date included)."""

    def __init__(
        self,
        consultation: ConsultationPage,
        data: CommentInput,
        *,
        ip_address: str = "",
        submitted_at: datetime | None = None,
    ) -> None:
        self.consultation = consultation
        self.data = data
        self.ip_address = ip_address
        self.submitted_at = submitted_at or timezone.now()

    def check(self) -> None:
        if not self.consultation.live:
            raise CommentRefused("该意见征集未发布，不能提交意见。")
        if message := closed_message(self.consultation, timezone.localdate(self.submitted_at)):
            raise CommentRefused(message)
        if errors := comment_errors(self.data):
            raise CommentRefused(errors)

    def execute(self) -> ConsultationComment:
        self.check()
        content = self.data.content.strip()
        name = self.data.name.strip()
        matcher = get_matcher()
        findings = [f.as_dict() for f in check_words(content, "意见内容", matcher) + check_words(name, "姓名", matcher)]
        # Never published: nothing to review, the comment is for the drafting unit only.
        publishes = self.consultation.comment_mode == CommentMode.MODERATED
        with transaction.atomic():
            return ConsultationComment.objects.create(
                consultation=self.consultation,
                content=content,
                name=name,
                phone=self.data.phone.strip(),
                email=self.data.email.strip(),
                consent=True,
                submitted_at=self.submitted_at,
                ip_digest=blind_index(self.ip_address, IP_DIGEST_PURPOSE) if self.ip_address else "",
                state=CommentState.PENDING if publishes else CommentState.REFUSED,
                findings=findings,
            )


class _ModerationAction:
    allowed_from: tuple[str, ...] = ()
    target: str = ""
    log_action: str = ""
    refused_from: dict[str, str] = {}

    def __init__(self, comment: ConsultationComment, *, user, note: str = "") -> None:
        self.comment = comment
        self.user = user
        self.note = (note or "").strip()

    def check(self, comment: ConsultationComment | None = None) -> None:
        comment = comment or self.comment
        if not can_moderate(self.user, comment.consultation):
            raise PermissionDenied("您只能审核本单位意见征集收到的意见。")
        if comment.state not in self.allowed_from:
            raise CommentRefused(self.refused_from.get(comment.state, "该意见当前状态不能进行此操作。"))
        if "\x00" in self.note:
            raise CommentRefused("审核说明含有无法保存的控制字符，请删除后重试。")
        if len(self.note) > NOTE_MAX_LENGTH:
            raise CommentRefused(f"审核说明最多 {NOTE_MAX_LENGTH} 个字，现为 {len(self.note)} 个字。")

    def execute(self) -> ConsultationComment:
        self.check()
        with transaction.atomic():
            # Checked again on the locked row: two moderators acting at once make one transition.
            comment = (
                ConsultationComment.objects.select_for_update().select_related("consultation").get(pk=self.comment.pk)
            )
            self.check(comment)
            previous = comment.state
            comment.state = self.target
            comment.moderated_by = self.user
            comment.moderated_at = timezone.now()
            comment.moderation_note = self.note
            comment.save(update_fields=["state", "moderated_by", "moderated_at", "moderation_note"])
            log(
                instance=comment.consultation,
                action=self.log_action,
                user=self.user,
                data={"comment_id": comment.pk, "from": previous, "note": self.note},
            )
            # The consultation's public page lists approved comments, and lists show their counts.
            retire_after_commit(*consultation_tags(comment.consultation))
        self.comment = comment
        return comment


class ApproveCommentAction(_ModerationAction):
    """公开: a pending comment of a moderated consultation becomes public."""

    allowed_from = (CommentState.PENDING,)
    target = CommentState.PUBLISHED
    log_action = APPROVE
    refused_from = {
        CommentState.PUBLISHED: "该意见已公开。",
        CommentState.REFUSED: "该意见已决定不予公开，不能再公开。",
    }

    def __init__(self, comment: ConsultationComment, *, user, confirm_findings: bool = False, note: str = "") -> None:
        super().__init__(comment, user=user, note=note)
        self.confirm_findings = confirm_findings

    def check(self, comment: ConsultationComment | None = None) -> None:
        super().check(comment)
        comment = comment or self.comment
        if comment.consultation.comment_mode != CommentMode.MODERATED:
            raise CommentRefused("本次征集的意见不公开。")
        if comment.findings and not self.confirm_findings:
            words = "、".join(dict.fromkeys(f["what"] for f in comment.findings))
            raise CommentRefused(f"该意见含有词表命中（{words}），请核实后勾选“已核实，确认公开”再公开。")


class RefuseCommentAction(_ModerationAction):
    """不予公开: a pending comment is not published, or a public one is withdrawn."""

    allowed_from = (CommentState.PENDING, CommentState.PUBLISHED)
    target = CommentState.REFUSED
    log_action = REFUSE
    refused_from = {CommentState.REFUSED: "该意见已是不予公开状态。"}
