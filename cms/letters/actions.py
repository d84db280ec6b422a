"""Every step of a letter, one action each: ``check()`` refuses in Chinese and writes nothing,
``execute()`` re-reads the letter under a row lock, checks again and writes in one transaction.

The admin views, the public form, commands, the demo loader, the benchmark and the
tests all call these. The allowed transitions are one table (``TRANSITIONS``):

    待受理 ─受理→ 已受理 ─保存答复→ 办理中 ─提交审核→ 待审核 ─审核通过→ 已答复
       │           │                  ▲            │
       └─不予受理──┘                  └──退回修改──┘
    转办 (to another unit) and 退回分办 (to the info center) from 待受理/已受理/办理中,
    keeping the clock; 延期 once, in any open state.

Each step is a ``LetterEvent`` and an entry of Wagtail's audit log (``letters.<action>``),
with who and when. The audit entry names the letter by number, never the citizen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from core.casework import (
    CaseAction,
    find_case,
    new_query_code,
    query_code_digest,
    record_step,
    required_text,
    secondary_digest,
)
from core.forms import text_refusal
from sites.page_cache import below_chain, retire_after_commit
from sites.units import transfer_target

from .deadlines import due_date_for, extended_due_date
from .errors import LetterError
from .models import (
    CONTENT_MAX_LENGTH,
    OPEN_STATES,
    Letter,
    LetterEvent,
    LetterState,
    MailboxPage,
)
from .permissions import may_approve, may_extend, may_handle, may_transfer

S = LetterState
# action → (states it may start from, state it leads to; None: unchanged)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.PENDING}), S.ACCEPTED),
    "reject": (frozenset({S.PENDING, S.ACCEPTED}), S.REJECTED),
    "save_reply": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.IN_PROGRESS),
    "submit_reply": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.IN_REVIEW),
    "approve_reply": (frozenset({S.IN_REVIEW}), S.REPLIED),
    "return_reply": (frozenset({S.IN_REVIEW}), S.IN_PROGRESS),
    "transfer": (frozenset({S.PENDING, S.ACCEPTED, S.IN_PROGRESS}), S.PENDING),
    "return_to_dispatcher": (frozenset({S.PENDING, S.ACCEPTED, S.IN_PROGRESS}), S.PENDING),
    "extend": (frozenset(OPEN_STATES), None),
}
ACTION_LABELS: dict[str, str] = {
    "submit": "来信",
    "accept": "受理",
    "reject": "不予受理",
    "save_reply": "保存答复",
    "submit_reply": "提交审核",
    "approve_reply": "审核通过并答复",
    "return_reply": "退回修改",
    "transfer": "转办",
    "return_to_dispatcher": "退回分办",
    "extend": "延期",
    "purge": "清除个人信息",
}

LOG_PREFIX = "letters"
PURPOSE = "letter"  # separates the letters' digests from every other kind of case


def phone_tail(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-4:]


def find_letter(code: str, tail: str) -> Letter | None:
    """The letter with this query code *and* phone ending, else None — the same None for a wrong
    code and a wrong ending, so a look-up never tells which was wrong."""
    return find_case(Letter, code, tail, PURPOSE, digest_field="phone_tail_digest")


# --- the citizen's letter --------------------------------------------------------------


@dataclass
class LetterSubmission:
    kind: str
    subject: str
    content: str
    name: str
    phone: str
    email: str = ""
    wants_public: bool = False
    consented: bool = False


@dataclass
class SubmitLetterAction:
    """A citizen's letter to a mailbox: it lands at the mailbox's unit (or at the dispatcher), gets its
    due date, number and query code, and is checked against the word lists (hits are shown to the
    handlers and hold it from publication until a person confirms)."""

    mailbox: MailboxPage
    submission: LetterSubmission
    received_at: datetime | None = None
    # The mailbox's site when the caller has it (the public view: the request's); else looked up.
    site: Site | None = None
    query_code: str = field(default="", init=False)

    def check(self) -> None:
        sub = self.submission
        problems = []
        if not self.mailbox.live:
            problems.append("该信箱已停用。")
        if sub.kind not in self.mailbox.letter_kinds:
            problems.append("该信箱不受理这一类来信。")
        if not sub.consented:
            problems.append("请阅读并同意个人信息处理说明。")
        for name, value, label in (("subject", sub.subject, "标题"), ("content", sub.content, "来信内容")):
            if not value.strip():
                problems.append(f"请填写{label}。")
            refusal = text_refusal(Letter, name, value)
            if refusal:
                problems.append(refusal)
        if len(sub.content) > CONTENT_MAX_LENGTH:
            problems.append(f"来信内容最多 {CONTENT_MAX_LENGTH} 个字。")
        if not sub.name.strip():
            problems.append("请填写姓名。")
        if len(phone_tail(sub.phone)) < 4:
            problems.append("请填写正确的联系电话。")
        if problems:
            raise LetterError(problems)

    def execute(self) -> Letter:
        from cms.workflow.checks import check_words, get_matcher

        self.check()
        sub = self.submission
        site = self.site
        if site is None or not self.mailbox.path.startswith(site.root_page.path):
            site = self.mailbox.get_site()
        received_at = self.received_at or timezone.now()
        matcher = get_matcher()
        findings = [
            finding.as_dict()
            for name, text in (("标题", sub.subject), ("来信内容", sub.content))
            for finding in check_words(text, name, matcher)
            if finding.kind == "sensitive"
        ]
        self.query_code = new_query_code()
        with transaction.atomic():
            letter = Letter.objects.create(
                mailbox=self.mailbox,
                site=site,
                unit=None if self.mailbox.dispatch_by_info_center else site,
                kind=sub.kind,
                subject=sub.subject.strip(),
                content=sub.content.strip(),
                name=sub.name.strip(),
                phone=sub.phone.strip(),
                email=sub.email.strip(),
                wants_public=sub.wants_public,
                consented=True,
                query_code_digest=query_code_digest(self.query_code, PURPOSE),
                phone_tail_digest=secondary_digest(self.query_code, phone_tail(sub.phone), PURPOSE),
                received_at=received_at,
                due_date=due_date_for(timezone.localdate(received_at), sub.kind),
                findings=findings,
            )
            letter.number = f"{timezone.localdate(received_at):%Y%m%d}{letter.pk:06d}"
            letter.save(update_fields=["number"])
            record_step(
                letter, LetterEvent, "submit", None, log_prefix=LOG_PREFIX, before_state="", before_unit_id=None
            )
        return letter


# --- handling --------------------------------------------------------------------------


class LetterAction(CaseAction):
    """A handling step of a letter: its unit's, unless a subclass says otherwise."""

    model = Letter
    error = LetterError
    transitions = TRANSITIONS
    labels = ACTION_LABELS
    refusal = "您无权办理这封来信。"
    noun = "来信"
    event_model = LetterEvent
    log_prefix = LOG_PREFIX
    audit_note_chars = 200

    def allowed(self, letter: Letter) -> bool:
        return may_handle(self.user, letter)


class AcceptLetterAction(LetterAction):
    """受理. A complex matter involving several departments gets the longer period (seed 000: 15)."""

    action = "accept"

    def __init__(self, letter: Letter, user, *, is_complex: bool = False) -> None:
        super().__init__(letter, user)
        self.is_complex = is_complex

    def precondition(self, letter: Letter) -> None:
        if letter.unit_id is None:
            raise LetterError("来信尚未分办到承办单位，请先转办。")

    def apply(self, letter: Letter) -> str:
        letter.accepted_at = timezone.now()
        if self.is_complex and not letter.is_complex:
            letter.is_complex = True
            complex_due = due_date_for(timezone.localdate(letter.received_at), letter.kind, is_complex=True)
            if letter.extension_days:
                complex_due = extended_due_date(complex_due, letter.extension_days)
            letter.due_date = max(letter.due_date, complex_due)
            return f"涉及多部门的复杂事项，答复期限为{letter.due_date:%Y年%m月%d日}。"
        return ""


class RejectLetterAction(LetterAction):
    """不予受理, with the reason the citizen reads at the look-up. Stops the clock."""

    action = "reject"

    def __init__(self, letter: Letter, user, *, reason: str) -> None:
        super().__init__(letter, user)
        self.reason = reason

    def validate(self, letter: Letter) -> None:
        self.reason = required_text(Letter, "rejection_reason", self.reason, "不予受理的理由", minimum=4)

    def apply(self, letter: Letter) -> str:
        letter.rejection_reason = self.reason
        letter.closed_at = timezone.now()
        return self.reason


class SaveReplyAction(LetterAction):
    """保存答复 (a draft): the letter is 办理中."""

    action = "save_reply"

    def __init__(self, letter: Letter, user, *, reply: str) -> None:
        super().__init__(letter, user)
        self.reply = reply

    def validate(self, letter: Letter) -> None:
        self.reply = (self.reply or "").strip()
        if not self.reply:
            raise LetterError("请填写答复内容。")
        refusal = text_refusal(Letter, "reply", self.reply)
        if refusal:
            raise LetterError(refusal)

    def apply(self, letter: Letter) -> str:
        letter.reply = self.reply
        letter.reply_drafted_by = self.user
        return ""


class SubmitReplyAction(SaveReplyAction):
    """提交审核: the reply goes to the unit's reviewer or leader."""

    action = "submit_reply"


class ApproveReplyAction(LetterAction):
    """审核通过: the reply is sent (the citizen sees it at the look-up) and, when the citizen agreed and the
    approver decides so, published on the mailbox's public list. Never by the reply's own author."""

    action = "approve_reply"

    def __init__(self, letter: Letter, user, *, make_public: bool, confirm_findings: bool = False) -> None:
        super().__init__(letter, user)
        self.make_public = make_public
        self.confirm_findings = confirm_findings

    def allowed(self, letter: Letter) -> bool:
        return may_approve(self.user, letter)

    def precondition(self, letter: Letter) -> None:
        if letter.reply_drafted_by_id and letter.reply_drafted_by_id == getattr(self.user, "pk", None):
            raise LetterError("答复须由本单位的审核人或领导审核，不能审核自己拟写的答复。")

    def validate(self, letter: Letter) -> None:
        if self.make_public and not letter.wants_public:
            raise LetterError("来信人未同意公开，这封来信不能公开。")
        if self.make_public and letter.findings and not self.confirm_findings:
            raise LetterError("来信含有敏感词，公开前请确认已阅读自动检查发现的问题。")

    def apply(self, letter: Letter) -> str:
        now = timezone.now()
        letter.replied_at = letter.closed_at = now
        letter.replying_unit_id = letter.unit_id
        letter.is_public = self.make_public
        if self.make_public:
            # The mailbox lists it, and its 互动交流 column and home page show the latest replies.
            retire_after_commit(*below_chain(letter.mailbox.path))
        return "公开答复" if self.make_public else "答复（不公开）"


class ReturnReplyAction(LetterAction):
    """退回修改: the reviewer sends the reply back to its author, with the reason."""

    action = "return_reply"

    def __init__(self, letter: Letter, user, *, reason: str) -> None:
        super().__init__(letter, user)
        self.reason = reason

    def allowed(self, letter: Letter) -> bool:
        return may_approve(self.user, letter)

    def validate(self, letter: Letter) -> None:
        self.reason = required_text(Letter, "extension_reason", self.reason, "退回的理由")

    def apply(self, letter: Letter) -> str:
        return self.reason


class TransferLetterAction(LetterAction):
    """转办 to another unit (the dispatcher's 分办 is the same step from the 待分办 queue): the letter
    starts 待受理 there, with its history, received date and due date unchanged."""

    action = "transfer"

    def __init__(self, letter: Letter, user, *, to_unit: Site | int, reason: str) -> None:
        super().__init__(letter, user)
        self.to_unit_id = to_unit if isinstance(to_unit, int) else to_unit.pk
        self.reason = reason

    def allowed(self, letter: Letter) -> bool:
        return may_transfer(self.user, letter)

    def validate(self, letter: Letter) -> None:
        self.reason = required_text(Letter, "extension_reason", self.reason, "转办说明")
        if self.to_unit_id == letter.unit_id:
            raise LetterError("来信已在该单位办理，请选择其他承办单位。")
        self.to_unit = transfer_target(self.to_unit_id, noun="单位")

    def apply(self, letter: Letter) -> str:
        letter.unit = self.to_unit
        letter.accepted_at = None
        return f"转至{self.to_unit.site_name}：{self.reason}"


class ReturnToDispatcherAction(LetterAction):
    """退回分办: the unit says the letter is not its matter; it goes back to the info center's queue."""

    action = "return_to_dispatcher"

    def __init__(self, letter: Letter, user, *, reason: str) -> None:
        super().__init__(letter, user)
        self.reason = reason

    def precondition(self, letter: Letter) -> None:
        if letter.unit_id is None:
            raise LetterError("来信已在信息中心待分办。")

    def validate(self, letter: Letter) -> None:
        self.reason = required_text(Letter, "extension_reason", self.reason, "退回的理由")

    def apply(self, letter: Letter) -> str:
        letter.unit = None
        letter.accepted_at = None
        return self.reason


class ExtendDeadlineAction(LetterAction):
    """延期: once per letter, with a reason, at most ``LETTER_MAX_EXTENSION_WORKING_DAYS``."""

    action = "extend"

    def __init__(self, letter: Letter, user, *, working_days: int, reason: str) -> None:
        super().__init__(letter, user)
        self.working_days = working_days
        self.reason = reason

    def allowed(self, letter: Letter) -> bool:
        return may_extend(self.user, letter)

    def precondition(self, letter: Letter) -> None:
        if letter.extension_days:
            raise LetterError("这封来信已经延期过一次，不能再次延期。")

    def validate(self, letter: Letter) -> None:
        limit = settings.LETTER_MAX_EXTENSION_WORKING_DAYS
        if not isinstance(self.working_days, int) or not 1 <= self.working_days <= limit:
            raise LetterError(f"延期天数应为 1 至 {limit} 个工作日。")
        self.reason = required_text(Letter, "extension_reason", self.reason, "延期理由", minimum=4)

    def apply(self, letter: Letter) -> str:
        letter.extension_days = self.working_days
        letter.extension_reason = self.reason
        letter.due_date = extended_due_date(letter.due_date, self.working_days)
        return f"延期{self.working_days}个工作日至{letter.due_date:%Y年%m月%d日}：{self.reason}"


# --- retention --------------------------------------------------------------------------


def purge_expired_personal_data(now: datetime | None = None) -> int:
    """Erase name, phone and e-mail of letters answered more than ``LETTER_RETENTION_DAYS`` ago.

    The letter, its reply and its history stay (the statistics count them); the look-up by
    query code stops working, since it needs the phone. Returns how many letters were purged."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LETTER_RETENTION_DAYS)
    with transaction.atomic():
        ids = list(
            Letter.objects.select_for_update()
            .filter(closed_at__lt=cutoff, personal_data_purged_at=None)
            .values_list("pk", flat=True)
        )
        Letter.objects.filter(pk__in=ids).update(
            name="", phone="", email="", phone_tail_digest="", personal_data_purged_at=now
        )
        LetterEvent.objects.bulk_create(
            [LetterEvent(letter_id=pk, action="purge", at=now, note="保存期满，个人信息已清除。") for pk in ids]
        )
    return len(ids)
