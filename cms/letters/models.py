"""Letters to the government (来信): mailboxes, letters, their history and the reply deadlines.

One mailbox system for the whole cluster. A ``MailboxPage`` is a page of a site's
互动交流 column (its site admin adds, names and configures them); a citizen's
``Letter`` is written to one mailbox and handled by one **unit** — a site of the
cluster, whose own groups (``sites.SiteGroup``) handle it — or, while ``unit`` is
empty, waits for the info center's dispatcher (待分办). Every step is a
``LetterEvent`` and an entry of Wagtail's audit log (``cms.letters.actions``).

Personal data (name, phone, e-mail) is encrypted at rest (``core.personal_data``);
the query code and the phone's last four digits are kept only as keyed digests.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.content.models import INTRO_FEATURES
from cms.content.serving import ServingMixin
from core.casework import CaseEvent
from core.personal_data import EncryptedTextField
from core.publishing import PublishGuardMixin

SUBJECT_MAX_LENGTH = 100
CONTENT_MAX_LENGTH = 3000
REPLY_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 500


class LetterKind(models.TextChoices):
    CONSULT = "consult", "咨询"
    SUGGESTION = "suggestion", "建议"
    COMPLAINT = "complaint", "投诉"
    HELP = "help", "求助"
    OTHER = "other", "其他"


class MailboxKind(models.TextChoices):
    LEADER = "leader", "领导信箱"
    DEPARTMENT = "department", "部门信箱"
    CONSULT = "consult", "咨询"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"


# What a citizen may choose in each kind of mailbox: a 领导信箱 or 部门信箱 takes
# any letter, a 咨询/投诉/建议 box only its own kind.
MAILBOX_LETTER_KINDS: dict[str, tuple[str, ...]] = {
    MailboxKind.LEADER: tuple(LetterKind.values),
    MailboxKind.DEPARTMENT: tuple(LetterKind.values),
    MailboxKind.CONSULT: (LetterKind.CONSULT,),
    MailboxKind.COMPLAINT: (LetterKind.COMPLAINT,),
    MailboxKind.SUGGESTION: (LetterKind.SUGGESTION,),
}


class LetterState(models.TextChoices):
    PENDING = "pending", "待受理"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "不予受理"
    IN_PROGRESS = "in_progress", "办理中"
    IN_REVIEW = "in_review", "待审核"
    REPLIED = "replied", "已答复"


# A letter is answered (its clock stops) once replied or refused with a reason.
CLOSED_STATES = (LetterState.REPLIED, LetterState.REJECTED)
OPEN_STATES = tuple(state for state in LetterState.values if state not in CLOSED_STATES)


class MailboxPage(RoutablePageMixin, PublishGuardMixin, ServingMixin, Page):
    """A mailbox (信箱) of a site: the citizen writes here, looks a letter up, reads the public replies.

    The public routes (写信, 查询, the letter pages, statistics) are in ``cms.letters.public``."""

    mailbox_kind = models.CharField("信箱类型", max_length=20, choices=MailboxKind.choices, default=MailboxKind.LEADER)
    dispatch_by_info_center = models.BooleanField(
        "由信息中心分办",
        default=False,
        help_text="勾选后来信先进入信息中心的待分办队列，由信息中心转交承办单位（门户网站的信箱通常如此）；"
        "不勾选则由本站单位直接受理。",
    )
    intro = RichTextField("信箱说明", blank=True, features=INTRO_FEATURES)
    # Where the info center's phone line or office is, for citizens who prefer it.
    notice = models.TextField(
        "写信须知",
        blank=True,
        max_length=1000,
        help_text="显示在写信页上，如受理范围、不予受理的情形、答复时限。",
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("mailbox_kind"), FieldPanel("dispatch_by_info_center")]),
        FieldPanel("intro"),
        FieldPanel("notice"),
    ]
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []
    # Letters are never in the search index: only the mailbox's own description is.
    search_fields = Page.search_fields

    class Meta:
        verbose_name = "信箱"

    @property
    def letter_kinds(self) -> tuple[str, ...]:
        return MAILBOX_LETTER_KINDS[self.mailbox_kind]

    # The anonymous page cache keys the index on its page number (sites/page_cache.py).
    cache_query_parameters = ("page",)

    # The public routes; the views are in cms.letters.public (imported here lazily: it imports the actions).
    @path("", name="index")
    def index_route(self, request):
        from .public import index_view

        return index_view(self, request)

    @path("write/", name="write")
    def write_route(self, request):
        from .public import write_view

        return write_view(self, request)

    @path("receipt/", name="receipt")
    def receipt_route(self, request):
        from .public import receipt_view

        return receipt_view(self, request)

    @path("query/", name="query")
    def query_route(self, request):
        from .public import query_view

        return query_view(self, request)

    @path("stats/", name="stats")
    def stats_route(self, request):
        from .public import stats_view

        return stats_view(self, request)

    # Not "stats.xlsx": Wagtail serves only paths of word characters and slashes.
    @path("stats/xlsx/", name="stats_xlsx")
    def stats_xlsx_route(self, request):
        from .public import stats_xlsx_view

        return stats_xlsx_view(self, request)

    @re_path(r"^(?P<number>\d{8,20})/$", name="letter")
    def letter_route(self, request, number: str):
        from .public import detail_view

        return detail_view(self, request, number)


class ReplyDeadline(models.Model):
    """Working days a unit has to reply, per kind of letter (defaults from seed 000: 咨询 2, 建议 5,
    投诉 and complex matters involving several departments 15). The info center edits them; a
    change applies to letters received afterwards (each letter keeps the due date it was given)."""

    key = models.CharField("类别", max_length=20, unique=True)
    working_days = models.PositiveSmallIntegerField(
        "答复时限（工作日）", validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = "答复时限"
        verbose_name_plural = "答复时限"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.label}：{self.working_days}个工作日"

    @property
    def label(self) -> str:
        return DEADLINE_LABELS.get(self.key, self.key)

    label.fget.short_description = "类别"  # the admin list's column heading


COMPLEX = "complex"
DEADLINE_LABELS: dict[str, str] = {**dict(LetterKind.choices), COMPLEX: "涉及多部门的复杂事项"}
DEFAULT_REPLY_WORKING_DAYS: dict[str, int] = {
    LetterKind.CONSULT: 2,
    LetterKind.SUGGESTION: 5,
    LetterKind.COMPLAINT: 15,
    LetterKind.HELP: 5,
    LetterKind.OTHER: 5,
    COMPLEX: 15,
}


class Letter(models.Model):
    number = models.CharField("信件编号", max_length=20, unique=True, null=True, editable=False)
    mailbox = models.ForeignKey(
        MailboxPage, verbose_name="信箱", null=True, on_delete=models.SET_NULL, related_name="letters"
    )
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="来信网站", on_delete=models.PROTECT, related_name="letters_received"
    )
    # The unit (a site of the cluster) handling it; empty while it waits for the info center's dispatcher.
    unit = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters_handled",
    )
    kind = models.CharField("来信类型", max_length=20, choices=LetterKind.choices)
    subject = models.CharField("标题", max_length=SUBJECT_MAX_LENGTH)
    content = models.TextField("来信内容", max_length=CONTENT_MAX_LENGTH)
    # The citizen's personal data: encrypted; readable only through the handlers' views.
    name = EncryptedTextField("姓名")
    phone = EncryptedTextField("联系电话")
    email = EncryptedTextField("电子邮箱", blank=True)
    wants_public = models.BooleanField("同意公开", default=False)
    consented = models.BooleanField("同意个人信息处理", default=False)
    query_code_digest = models.CharField(max_length=64, unique=True, editable=False)
    phone_tail_digest = models.CharField(max_length=64, editable=False)

    state = models.CharField("状态", max_length=20, choices=LetterState.choices, default=LetterState.PENDING)
    received_at = models.DateTimeField("来信时间", default=timezone.now)
    is_complex = models.BooleanField("涉及多部门的复杂事项", default=False)
    due_date = models.DateField("答复期限")
    extension_days = models.PositiveSmallIntegerField("延期（工作日）", default=0)
    extension_reason = models.CharField("延期理由", max_length=REASON_MAX_LENGTH, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    rejection_reason = models.CharField("不予受理理由", max_length=REASON_MAX_LENGTH, blank=True)

    reply = models.TextField("答复内容", blank=True, max_length=REPLY_MAX_LENGTH)
    reply_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    # When it was answered (replied or refused with a reason): its clock stops then.
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    replying_unit = models.ForeignKey(
        "wagtailcore.Site", verbose_name="答复单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_public = models.BooleanField("公开", default=False)
    # Word-list hits at submission (cms.workflow.checks): shown to the handlers; a letter with a
    # hit is made public only when its approver confirms it was read.
    findings = models.JSONField("自动检查发现", default=list, blank=True)
    personal_data_purged_at = models.DateTimeField("个人信息清除时间", null=True, blank=True)

    class Meta:
        verbose_name = "来信"
        verbose_name_plural = "来信"
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("dispatch_letters", "分办和督办所有来信（信息中心）"),
        ]
        indexes = [
            models.Index(fields=["unit", "state", "due_date"], name="letters_unit_state_due"),
            models.Index(fields=["state", "due_date"], name="letters_state_due"),
            models.Index(fields=["site", "received_at"], name="letters_site_received"),
            # The info center's 60-day guard: the few open letters received long ago, oldest first
            # (without it the query reads every open letter's row to check its date).
            models.Index(fields=["received_at"], name="letters_open_received", condition=Q(state__in=OPEN_STATES)),
            # The admin list in its default order (newest first), for the info center's whole cluster.
            models.Index(fields=["-received_at", "-id"], name="letters_newest_first"),
            models.Index(
                fields=["mailbox", "-replied_at"],
                name="letters_public_by_mailbox",
                condition=Q(is_public=True, state="replied"),
            ),
        ]

    def __str__(self) -> str:
        # Never the citizen's name: this is what the audit log shows.
        return f"来信 {self.number or self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES


class LetterEvent(CaseEvent):
    """One step of a letter's history."""

    case_field = "letter"
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
