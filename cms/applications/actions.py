"""Every step of an application, one action each (``core.casework.CaseAction``), citing the article it follows.

    待登记 ─登记(第三十一条)→ 办理中 ─拟答复→ 待审核 ─审核通过(第三十六条)→ 已答复 ─送达→ 已送达
                              │  ▲ ▲                 │
          补正告知(第三十条) ─┘  │ └─退回修改─────────┘
          待补正 ─收到补正──────┘   (逾期未补正 → 已终止: 其他处理)
          征求第三方意见(第三十二条) → 征求意见中 ─收到意见→ 办理中 (不计入答复期限)
    延期 (第三十三条第二款: once, ≤ 20 working days, the leader's consent); 转办 to the
    organisation that holds the information; 撤回 by the applicant.

Each step is an ``ApplicationEvent`` and an entry of Wagtail's audit log (``applications.<step>``),
naming the case by number, never the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from cms.disclosure.working_days import add_working_days
from core.casework import (
    CaseAction,
    actor,
    find_case,
    new_query_code,
    query_code_digest,
    record_step,
    required_text,
    secondary_digest,
)
from core.forms import text_refusal
from sites.models import SiteProfile
from sites.units import transfer_target

from .attachments import attachment_refusals, store_attachment, type_label
from .clock import clock_of, correction_notice_due, today
from .errors import ApplicationError
from .models import (
    MAX_EXTENSION_WORKING_DAYS,
    ApplicantType,
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationPage,
    ApplicationState,
    ClockPause,
    DeliveryForm,
    DeliveryMeans,
    IdDocumentType,
    Outcome,
)
from .permissions import may_approve, may_extend, may_handle, may_transfer, may_view

S = ApplicationState
LOG_PREFIX = "applications"
PURPOSE = "application"
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "register": (frozenset({S.SUBMITTED}), S.REGISTERED),
    "request_correction": (frozenset({S.REGISTERED}), S.CORRECTION),
    "receive_correction": (frozenset({S.CORRECTION}), S.REGISTERED),
    "lapse_correction": (frozenset({S.CORRECTION}), S.CLOSED),
    "consult_third_party": (frozenset({S.REGISTERED}), S.THIRD_PARTY),
    "end_consultation": (frozenset({S.THIRD_PARTY}), S.REGISTERED),
    "extend": (frozenset({S.REGISTERED, S.THIRD_PARTY, S.IN_REVIEW}), None),
    "draft_answer": (frozenset({S.REGISTERED}), S.IN_REVIEW),
    "approve_answer": (frozenset({S.IN_REVIEW}), S.ANSWERED),
    "return_answer": (frozenset({S.IN_REVIEW}), S.REGISTERED),
    "deliver": (frozenset({S.ANSWERED}), S.DELIVERED),
    "transfer": (frozenset({S.SUBMITTED, S.REGISTERED}), None),
    "withdraw": (frozenset({S.SUBMITTED, S.REGISTERED, S.CORRECTION, S.THIRD_PARTY}), S.CLOSED),
}
ACTION_LABELS: dict[str, str] = {
    "submit": "提交申请",
    "register": "登记受理",
    "request_correction": "告知补正",
    "receive_correction": "收到补正",
    "lapse_correction": "逾期未补正终止",
    "consult_third_party": "征求第三方意见",
    "end_consultation": "收到第三方意见",
    "extend": "延期答复",
    "draft_answer": "拟定答复",
    "approve_answer": "审核通过并答复",
    "return_answer": "退回修改",
    "deliver": "送达",
    "transfer": "转办",
    "withdraw": "撤回申请",
    "purge": "清除个人信息",
    "read_attachment": "查阅附件",
}
# Outcomes an answer may carry: the 其他处理 rows that end a case without an answer have their own steps.
ANSWER_OUTCOMES = tuple(o for o in Outcome.values if o not in (Outcome.NO_CORRECTION, Outcome.OTHER))
DEFAULT_CORRECTION_WORKING_DAYS = 15


def id_tail(id_number: str) -> str:
    return "".join(ch for ch in id_number if ch.isalnum())[-4:].upper()


def find_application(code: str, tail: str) -> Application | None:
    """The case with this query code *and* identity document ending, else None (the same None for both)."""
    return find_case(Application, code, tail, PURPOSE, digest_field="id_tail_digest")


# --- the applicant ------------------------------------------------------------------------


@dataclass
class ApplicationSubmission:
    """第二十九条: who applies, what is sought, in which form and way."""

    applicant_type: str
    name: str
    id_type: str
    id_number: str
    phone: str
    description: str
    delivery_form: str
    delivery_means: str
    contact_person: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    purpose: str = ""
    consented: bool = False


@dataclass
class SubmitApplicationAction:
    """An application submitted online: 待登记 until the unit confirms receipt (第三十一条第（三）项)."""

    page: ApplicationPage
    submission: ApplicationSubmission
    submitted_at: datetime | None = None
    attachments: list = field(default_factory=list)  # uploaded files (an identity document's scan)
    query_code: str = field(default="", init=False)

    def check(self) -> None:
        sub = self.submission
        problems = []
        if not self.page.live:
            problems.append("在线申请已停用。")
        if sub.applicant_type not in ApplicantType.values:
            problems.append("请选择申请人类型。")
        if sub.id_type not in IdDocumentType.values:
            problems.append("请选择证件类型。")
        if sub.delivery_form not in DeliveryForm.values:
            problems.append("请选择信息的载体形式。")
        if sub.delivery_means not in DeliveryMeans.values:
            problems.append("请选择获取信息的方式。")
        if sub.delivery_means == DeliveryMeans.EMAIL and not sub.email.strip():
            problems.append("选择以电子邮件获取时请填写电子邮箱。")
        if sub.delivery_means == DeliveryMeans.POST and not sub.address.strip():
            problems.append("选择邮寄时请填写通信地址。")
        if sub.applicant_type != ApplicantType.NATURAL_PERSON and not sub.contact_person.strip():
            problems.append("法人或其他组织申请时请填写联系人。")
        if not sub.consented:
            problems.append("请阅读并同意个人信息处理说明。")
        for value, label in ((sub.name, "申请人姓名或名称"), (sub.phone, "联系电话")):
            if not value.strip():
                problems.append(f"请填写{label}。")
        if len(id_tail(sub.id_number)) < 4:
            problems.append("请填写正确的证件号码。")
        if len(sub.description.strip()) < 5:
            problems.append("请描述所需政府信息的名称、文号或者便于查询的其他特征（至少5个字）。")
        for name, value in (("description", sub.description), ("purpose", sub.purpose), ("postcode", sub.postcode)):
            refusal = text_refusal(Application, name, value)
            if refusal:
                problems.append(refusal)
        problems += attachment_refusals(self.attachments)
        if problems:
            raise ApplicationError(problems)

    def execute(self) -> Application:
        self.check()
        sub = self.submission
        site = self.page.get_site()
        self.query_code = new_query_code()
        with transaction.atomic():
            application = Application.objects.create(
                page=self.page,
                site=site,
                unit=site,
                applicant_type=sub.applicant_type,
                name=sub.name.strip(),
                contact_person=sub.contact_person.strip(),
                id_type=sub.id_type,
                id_number=sub.id_number.strip(),
                phone=sub.phone.strip(),
                email=sub.email.strip(),
                address=sub.address.strip(),
                postcode=sub.postcode.strip(),
                description=sub.description.strip(),
                purpose=sub.purpose.strip(),
                delivery_form=sub.delivery_form,
                delivery_means=sub.delivery_means,
                consented=True,
                query_code_digest=query_code_digest(self.query_code, PURPOSE),
                id_tail_digest=secondary_digest(self.query_code, id_tail(sub.id_number), PURPOSE),
                submitted_at=self.submitted_at or timezone.now(),
            )
            stored = []
            try:
                for file in self.attachments:
                    stored.append(store_attachment(application, file))
                record_step(
                    application,
                    ApplicationEvent,
                    "submit",
                    None,
                    log_prefix=LOG_PREFIX,
                    before_state="",
                    before_unit_id=None,
                )
            except BaseException:
                # The rows roll back; the files written so far would stay behind, unreferenced.
                for attachment in stored:
                    attachment.file.delete(save=False)
                raise
        return application


# --- handling -------------------------------------------------------------------------------


class ApplicationAction(CaseAction):
    model = Application
    error = ApplicationError
    transitions = TRANSITIONS
    labels = ACTION_LABELS
    refusal = "您无权办理这件政府信息公开申请。"
    noun = "申请"
    event_model = ApplicationEvent
    log_prefix = LOG_PREFIX

    def __init__(self, application: Application, user, *, on: date | None = None) -> None:
        super().__init__(application, user)
        self.on = on or today()  # the step's date (a registration entered the next morning keeps its day)

    def allowed(self, application: Application) -> bool:
        return may_handle(self.user, application)

    def before_save(self, application: Application) -> None:
        running = application.state in (S.REGISTERED, S.IN_REVIEW)
        if running or (application.state == S.ANSWERED and application.due_date is None):
            application.due_date = clock_of(application, self.on).due_date
        elif application.state in (S.CORRECTION, S.THIRD_PARTY):
            application.due_date = None


class RegisterApplicationAction(ApplicationAction):
    """登记受理: the day of confirmation is the day of receipt (第三十一条第（三）项); the clock starts. The
    case gets its number, ``<机关>依申〔年〕N号``, numbered per unit and year."""

    action = "register"

    def validate(self, application: Application) -> None:
        if self.on > today():
            raise ApplicationError("登记日期不能晚于今天。")
        if self.on < timezone.localdate(application.submitted_at):
            raise ApplicationError("登记日期不能早于申请提交日期。")

    def apply(self, application: Application) -> str:
        Site.objects.select_for_update().filter(pk=application.unit_id).exists()  # one numbering at a time
        year = self.on.year
        serial = Application.objects.filter(unit_id=application.unit_id, received_on__year=year).count() + 1
        profile = SiteProfile.objects.select_related("organisation").get(site_id=application.unit_id)
        application.number = f"{profile.organisation.display_name}依申〔{year}〕{serial}号"
        application.received_on = self.on
        application.registered_by = actor(self.user)
        return f"收到申请日期：{self.on:%Y年%m月%d日}"


class RequestCorrectionAction(ApplicationAction):
    """补正告知 (第三十条): once, naming what to correct and a reasonable deadline; the clock stops."""

    action = "request_correction"

    def __init__(self, application, user, *, items: str, working_days: int = DEFAULT_CORRECTION_WORKING_DAYS, **kw):
        super().__init__(application, user, **kw)
        self.items = items
        self.working_days = working_days

    def precondition(self, application: Application) -> None:
        if application.correction_requested_on:
            raise ApplicationError("补正告知只能一次性作出（《政府信息公开条例》第三十条），本申请已告知过补正。")

    def validate(self, application: Application) -> None:
        self.items = required_text(Application, "correction_items", self.items, "需要补正的事项", minimum=4)
        if not isinstance(self.working_days, int) or not 5 <= self.working_days <= 30:
            raise ApplicationError("补正期限应为 5 至 30 个工作日。")

    def apply(self, application: Application) -> str:
        late = self.on > correction_notice_due(application.received_on)
        application.correction_requested_on = self.on
        application.correction_items = self.items
        application.correction_deadline = add_working_days(self.on, self.working_days)
        return self.items + ("（超过第三十条规定的7个工作日）" if late else "")


class ReceiveCorrectionAction(ApplicationAction):
    """收到补正: the answer period runs again, in full, from today (第三十条). The applicant's own
    correction online takes this step too (``user`` None, ``by_applicant``)."""

    action = "receive_correction"

    def __init__(self, application, user, *, text: str, by_applicant: bool = False, **kw):
        super().__init__(application, user, **kw)
        self.text = text
        self.by_applicant = by_applicant

    def allowed(self, application: Application) -> bool:
        return self.by_applicant or super().allowed(application)

    def validate(self, application: Application) -> None:
        self.text = required_text(Application, "correction_text", self.text, "补正内容", minimum=4)

    def apply(self, application: Application) -> str:
        application.correction_received_on = self.on
        application.correction_text = self.text
        return "申请人在线补正" if self.by_applicant else ""


class LapseCorrectionAction(ApplicationAction):
    """逾期未补正: the applicant is taken to have given up (第三十条); the case ends as 其他处理."""

    action = "lapse_correction"

    def precondition(self, application: Application) -> None:
        if application.correction_deadline and self.on <= application.correction_deadline:
            raise ApplicationError(f"补正期限（{application.correction_deadline:%Y年%m月%d日}）尚未届满。")

    def apply(self, application: Application) -> str:
        application.outcome = Outcome.NO_CORRECTION
        application.legal_basis = "《中华人民共和国政府信息公开条例》第三十条"
        application.concluded_on = self.on
        return "申请人无正当理由逾期不补正，视为放弃申请。"


class ConsultThirdPartyAction(ApplicationAction):
    """征求第三方意见 (第三十二条; another agency: 第三十四条): the time until the opinion is not counted."""

    action = "consult_third_party"

    def __init__(self, application, user, *, third_party: str, **kw):
        super().__init__(application, user, **kw)
        self.third_party = third_party

    def validate(self, application: Application) -> None:
        self.third_party = required_text(ClockPause, "third_party", self.third_party, "征求意见对象")

    def apply(self, application: Application) -> str:
        ClockPause.objects.create(application=application, started_on=self.on, third_party=self.third_party)
        return f"征求{self.third_party}意见"


class EndConsultationAction(ApplicationAction):
    """收到第三方意见 (or its 15 working days passed without one): the clock runs again."""

    action = "end_consultation"

    def __init__(self, application, user, *, opinion: str, **kw):
        super().__init__(application, user, **kw)
        self.opinion = opinion

    def validate(self, application: Application) -> None:
        self.opinion = required_text(ClockPause, "opinion", self.opinion, "第三方意见（或逾期未提出意见的说明）")

    def apply(self, application: Application) -> str:
        pause = application.pauses.filter(ended_on=None).order_by("-started_on").first()
        if pause is not None:
            pause.ended_on = max(self.on, pause.started_on)
            pause.opinion = self.opinion
            pause.save(update_fields=["ended_on", "opinion"])
        return self.opinion


class ExtendAnswerAction(ApplicationAction):
    """延期答复 (第三十三条第二款): once, at most 20 working days, with the head of the office's consent."""

    action = "extend"

    def __init__(self, application, user, *, working_days: int, reason: str, **kw):
        super().__init__(application, user, **kw)
        self.working_days = working_days
        self.reason = reason

    def allowed(self, application: Application) -> bool:
        return may_extend(self.user, application)

    def precondition(self, application: Application) -> None:
        if application.extension_days:
            raise ApplicationError("答复期限只能延长一次（《政府信息公开条例》第三十三条第二款）。")

    def validate(self, application: Application) -> None:
        if not isinstance(self.working_days, int) or not 1 <= self.working_days <= MAX_EXTENSION_WORKING_DAYS:
            raise ApplicationError(f"延长的期限应为 1 至 {MAX_EXTENSION_WORKING_DAYS} 个工作日。")
        self.reason = required_text(Application, "extension_reason", self.reason, "延期理由", minimum=4)

    def apply(self, application: Application) -> str:
        application.extension_days = self.working_days
        application.extension_reason = self.reason
        application.extension_approved_by = actor(self.user)
        return f"延长{self.working_days}个工作日：{self.reason}"


class DraftAnswerAction(ApplicationAction):
    """拟定答复: the outcome (table 3's categories), its legal basis and the answer's text, for review."""

    action = "draft_answer"

    def __init__(self, application, user, *, outcome: str, legal_basis: str, answer: str, **kw):
        super().__init__(application, user, **kw)
        self.outcome = outcome
        self.legal_basis = legal_basis
        self.answer = answer

    def validate(self, application: Application) -> None:
        if self.outcome not in ANSWER_OUTCOMES:
            raise ApplicationError("请选择办理结果。")
        if self.outcome == Outcome.STILL_UNCLEAR and not application.correction_received_on:
            raise ApplicationError("“补正后申请内容仍不明确”只适用于已经补正的申请。")
        self.legal_basis = required_text(Application, "legal_basis", self.legal_basis, "法律依据", minimum=4)
        self.answer = required_text(Application, "answer", self.answer, "答复内容", minimum=4)

    def apply(self, application: Application) -> str:
        application.outcome = self.outcome
        application.legal_basis = self.legal_basis
        application.answer = self.answer
        application.answer_drafted_by = actor(self.user)
        return Outcome(self.outcome).label


class ApproveAnswerAction(ApplicationAction):
    """审核通过: the answer is given (第三十六条); the day is the case's conclusion. Never by its author."""

    action = "approve_answer"

    def allowed(self, application: Application) -> bool:
        return may_approve(self.user, application)

    def precondition(self, application: Application) -> None:
        if application.answer_drafted_by_id and application.answer_drafted_by_id == getattr(self.user, "pk", None):
            raise ApplicationError("答复须由本单位的审核人或领导审核，不能审核自己拟定的答复。")

    def apply(self, application: Application) -> str:
        application.concluded_on = self.on
        return Outcome(application.outcome).label


class ReturnAnswerAction(ApplicationAction):
    action = "return_answer"

    def __init__(self, application, user, *, reason: str, **kw):
        super().__init__(application, user, **kw)
        self.reason = reason

    def allowed(self, application: Application) -> bool:
        return may_approve(self.user, application)

    def validate(self, application: Application) -> None:
        self.reason = required_text(Application, "extension_reason", self.reason, "退回的理由")

    def apply(self, application: Application) -> str:
        return self.reason


class DeliverAction(ApplicationAction):
    """送达: how and when the answer (and the information) reached the applicant."""

    action = "deliver"

    def __init__(self, application, user, *, means: str, delivered_on: date | None = None, **kw):
        super().__init__(application, user, **kw)
        self.means = means
        self.delivered_on = delivered_on or self.on

    def validate(self, application: Application) -> None:
        if self.means not in DeliveryMeans.values:
            raise ApplicationError("请选择送达方式。")
        if not application.concluded_on <= self.delivered_on <= today():
            raise ApplicationError("送达日期应在答复日期和今天之间。")

    def apply(self, application: Application) -> str:
        application.delivered_on = self.delivered_on
        application.delivered_by_means = self.means
        return f"{DeliveryMeans(self.means).label}，{self.delivered_on:%Y年%m月%d日}"


class TransferApplicationAction(ApplicationAction):
    """转办 to the organisation of the cluster that holds the information; the received day, the clock
    and the history stay (the applicant applied once)."""

    action = "transfer"

    def __init__(self, application, user, *, to_unit: Site | int, reason: str, **kw):
        super().__init__(application, user, **kw)
        self.to_unit_id = to_unit if isinstance(to_unit, int) else to_unit.pk
        self.reason = reason

    def allowed(self, application: Application) -> bool:
        return may_transfer(self.user, application)

    def validate(self, application: Application) -> None:
        self.reason = required_text(Application, "extension_reason", self.reason, "转办说明")
        if self.to_unit_id == application.unit_id:
            raise ApplicationError("申请已在该机关办理，请选择其他机关。")
        self.to_unit = transfer_target(self.to_unit_id, noun="机关")

    def apply(self, application: Application) -> str:
        application.unit = self.to_unit
        return f"转至{self.to_unit.site_name}：{self.reason}"


class WithdrawApplicationAction(ApplicationAction):
    """撤回: the applicant withdrew (recorded by the unit with how it was said); 其他处理 in table 3."""

    action = "withdraw"

    def __init__(self, application, user, *, note: str, **kw):
        super().__init__(application, user, **kw)
        self.note = note

    def validate(self, application: Application) -> None:
        self.note = required_text(Application, "extension_reason", self.note, "撤回的情况说明", minimum=4)

    def apply(self, application: Application) -> str:
        application.outcome = Outcome.OTHER
        application.concluded_on = self.on
        return self.note


# --- reading the applicant's files -------------------------------------------------------------


def record_attachment_read(attachment: ApplicationAttachment, user) -> None:
    """查阅附件: reading an applicant's identity document is an act on their personal data, so it is
    a row of the case's history and an entry of the audit log. The note names the file by its
    place and type, never by the applicant's file name (the history outlives the purge)."""
    application = attachment.application
    if not may_view(user, application):
        raise ApplicationError("您无权查阅这件申请的附件。")
    ordinal = list(application.attachments.values_list("pk", flat=True)).index(attachment.pk) + 1
    with transaction.atomic():
        record_step(
            application,
            ApplicationEvent,
            "read_attachment",
            user,
            log_prefix=LOG_PREFIX,
            before_state=application.state,
            before_unit_id=application.unit_id,
            note=f"附件{ordinal}（{type_label(attachment.content_type)}）",
        )


# --- retention --------------------------------------------------------------------------------


PURGED_NOTE = "保存期满，个人信息已清除。"


def purge_expired_personal_data(now: datetime | None = None) -> int:
    """Erase the applicant's personal data of cases concluded more than ``APPLICATION_RETENTION_DAYS``
    ago; the case, its answer and its figures stay. Returns how many cases were purged."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - timedelta(days=settings.APPLICATION_RETENTION_DAYS)
    with transaction.atomic():
        ids = list(
            Application.objects.select_for_update()
            .filter(concluded_on__lt=cutoff, personal_data_purged_at=None)
            .values_list("pk", flat=True)
        )
        Application.objects.filter(pk__in=ids).update(
            name="",
            contact_person="",
            id_number="",
            phone="",
            email="",
            address="",
            id_tail_digest="",
            personal_data_purged_at=now,
        )
        ApplicationEvent.objects.bulk_create(
            [ApplicationEvent(application_id=pk, action="purge", at=now, note=PURGED_NOTE) for pk in ids],
        )
        # The identity documents' scans are personal data too: their rows now, their files once committed.
        attachments = list(ApplicationAttachment.objects.filter(application_id__in=ids))
        ApplicationAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
        transaction.on_commit(lambda: [a.file.delete(save=False) for a in attachments])
    return len(ids)
