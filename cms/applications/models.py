"""依申请公开: applications for government information (《政府信息公开条例》2019, 第二十七条至第四十五条).

An ``ApplicationPage`` in a site's 政府信息公开 column receives applications online; each
``Application`` is handled by one unit (a site of the cluster, whose groups handle it),
on the statutory clock (``cms.applications.clock``), to one of the outcome categories of
table 3 of the annual-report template (国办公开办函〔2021〕30号), counted by
``cms.applications.report``.

The applicant's personal data (name, identity document, contact) is encrypted at rest
(``core.personal_data``); the query code and the document number's last four characters
are kept only as keyed digests.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.content.models import INTRO_FEATURES
from cms.content.serving import ServingMixin
from core.casework import CaseEvent
from core.personal_data import EncryptedTextField
from core.publishing import PublishGuardMixin
from core.storage import private_storage

DESCRIPTION_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 10000
REASON_MAX_LENGTH = 500

# 第三十三条: 20 working days, extendable once by at most 20 with the head of the office's consent.
ANSWER_WORKING_DAYS = 20
MAX_EXTENSION_WORKING_DAYS = 20
# 第三十条: a one-time 补正 notice within 7 working days of receipt.
CORRECTION_NOTICE_WORKING_DAYS = 7
# 第三十二条: the consulted third party answers within 15 working days.
THIRD_PARTY_WORKING_DAYS = 15


class ApplicantType(models.TextChoices):
    """The columns of table 3 (国办公开办函〔2021〕30号)."""

    NATURAL_PERSON = "natural_person", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORGANISATION = "other_organisation", "其他"


ORGANISATION_TYPES = tuple(t for t in ApplicantType.values if t != ApplicantType.NATURAL_PERSON)


class IdDocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    CREDIT_CODE = "credit_code", "统一社会信用代码证书"
    OTHER = "other", "其他有效证件"


class DeliveryForm(models.TextChoices):
    """第二十九条第二款第（三）项: the form of the information (载体)."""

    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子文档"
    DISC = "disc", "光盘"


class DeliveryMeans(models.TextChoices):
    """…and the way of obtaining it (获取方式)."""

    POST = "post", "邮寄"
    PICK_UP = "pick_up", "自行领取"
    EMAIL = "email", "电子邮件"
    ONLINE = "online", "网上获取"


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", "待登记"
    REGISTERED = "registered", "办理中"
    CORRECTION = "correction", "待补正"
    THIRD_PARTY = "third_party", "征求意见中"
    IN_REVIEW = "in_review", "待审核"
    ANSWERED = "answered", "已答复"
    DELIVERED = "delivered", "已送达"
    CLOSED = "closed", "已终止"


# Concluded: the case counts in table 3's 办理结果 of the year it concluded in.
CONCLUDED_STATES = (ApplicationState.ANSWERED, ApplicationState.DELIVERED, ApplicationState.CLOSED)
# On the clock (received, not concluded); 待补正 stops it, 征求意见中 pauses it.
OPEN_STATES = (
    ApplicationState.REGISTERED,
    ApplicationState.CORRECTION,
    ApplicationState.THIRD_PARTY,
    ApplicationState.IN_REVIEW,
)


class Outcome(models.TextChoices):
    """The 办理结果 rows of table 3 (国办公开办函〔2021〕30号), in the template's order."""

    DISCLOSED = "disclosed", "予以公开"
    PARTLY_DISCLOSED = "partly_disclosed", "部分公开"
    SECRET = "secret", "属于国家秘密"
    PROHIBITED_BY_LAW = "prohibited_by_law", "其他法律行政法规禁止公开"
    THREE_SAFETIES = "three_safeties", "危及“三安全一稳定”"
    THIRD_PARTY_RIGHTS = "third_party_rights", "保护第三方合法权益"
    INTERNAL_AFFAIRS = "internal_affairs", "属于三类内部事务信息"
    PROCESS_INFORMATION = "process_information", "属于四类过程性信息"
    ENFORCEMENT_FILES = "enforcement_files", "属于行政执法案卷"
    ADMINISTRATIVE_QUERY = "administrative_query", "属于行政查询事项"
    NOT_HELD = "not_held", "本机关不掌握相关政府信息"
    NEEDS_CREATION = "needs_creation", "没有现成信息需要另行制作"
    STILL_UNCLEAR = "still_unclear", "补正后申请内容仍不明确"
    PETITION = "petition", "信访举报投诉类申请"
    REPEATED = "repeated", "重复申请"
    PUBLICATION = "publication", "要求提供公开出版物"
    EXCESSIVE = "excessive", "无正当理由大量反复申请"
    CONFIRMATION = "confirmation", "要求行政机关确认或重新出具已获取信息"
    NO_CORRECTION = "no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    FEE_UNPAID = "fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    OTHER = "other", "其他"


_O = Outcome
# Table 3's groups (（一）…（六）), each with its rows; a group of one row is that row.
OUTCOME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("（一）予以公开", (_O.DISCLOSED,)),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (_O.PARTLY_DISCLOSED,)),
    (
        "（三）不予公开",
        (
            _O.SECRET,
            _O.PROHIBITED_BY_LAW,
            _O.THREE_SAFETIES,
            _O.THIRD_PARTY_RIGHTS,
            _O.INTERNAL_AFFAIRS,
            _O.PROCESS_INFORMATION,
            _O.ENFORCEMENT_FILES,
            _O.ADMINISTRATIVE_QUERY,
        ),
    ),
    ("（四）无法提供", (_O.NOT_HELD, _O.NEEDS_CREATION, _O.STILL_UNCLEAR)),
    ("（五）不予处理", (_O.PETITION, _O.REPEATED, _O.PUBLICATION, _O.EXCESSIVE, _O.CONFIRMATION)),
    ("（六）其他处理", (_O.NO_CORRECTION, _O.FEE_UNPAID, _O.OTHER)),
)
GROUP_OF_OUTCOME: dict[str, str] = {outcome: label for label, outcomes in OUTCOME_GROUPS for outcome in outcomes}


class ApplicationPage(RoutablePageMixin, PublishGuardMixin, ServingMixin, Page):
    """在线申请: the site's online application for government information, its receipt and status look-up.

    The public routes are in ``cms.applications.public``."""

    intro = RichTextField("说明", blank=True, features=INTRO_FEATURES)
    notice = models.TextField(
        "申请须知",
        blank=True,
        max_length=2000,
        help_text="显示在申请页上，如受理机构、申请方式、答复时限和收费。",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("notice")]
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields  # applications are never in the search index

    class Meta:
        verbose_name = "依申请公开"

    # The public routes; the views are in cms.applications.public (imported lazily: it imports the actions).
    @path("", name="index")
    def index_route(self, request):
        from .public import index_view

        return index_view(self, request)

    @path("apply/", name="apply")
    def apply_route(self, request):
        from .public import apply_view

        return apply_view(self, request)

    @path("receipt/", name="receipt")
    def receipt_route(self, request):
        from .public import receipt_view

        return receipt_view(self, request)

    @path("query/", name="query")
    def query_route(self, request):
        from .public import query_view

        return query_view(self, request)


class Application(models.Model):
    number = models.CharField("受理编号", max_length=40, blank=True, editable=False)
    page = models.ForeignKey(
        ApplicationPage, verbose_name="申请页面", null=True, on_delete=models.SET_NULL, related_name="applications"
    )
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="申请网站", on_delete=models.PROTECT, related_name="applications_received"
    )
    unit = models.ForeignKey(
        "wagtailcore.Site", verbose_name="承办机关", on_delete=models.PROTECT, related_name="applications_handled"
    )

    # 第二十九条: who applies …
    applicant_type = models.CharField("申请人类型", max_length=30, choices=ApplicantType.choices)
    name = EncryptedTextField("申请人姓名或名称")
    contact_person = EncryptedTextField("联系人", blank=True)
    id_type = models.CharField("证件类型", max_length=20, choices=IdDocumentType.choices)
    id_number = EncryptedTextField("证件号码")
    phone = EncryptedTextField("联系电话")
    email = EncryptedTextField("电子邮箱", blank=True)
    address = EncryptedTextField("通信地址", blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    # … what is sought, and in which form and way.
    description = models.TextField("所需信息的名称、文号或特征性描述", max_length=DESCRIPTION_MAX_LENGTH)
    purpose = models.CharField("用途（选填）", max_length=200, blank=True)
    delivery_form = models.CharField("信息载体", max_length=20, choices=DeliveryForm.choices)
    delivery_means = models.CharField("获取方式", max_length=20, choices=DeliveryMeans.choices)
    consented = models.BooleanField("同意个人信息处理", default=False)
    query_code_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_tail_digest = models.CharField(max_length=64, editable=False)

    state = models.CharField(
        "状态", max_length=20, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    # 第三十一条第（三）项: an online application is received on the day the agency confirms it.
    received_on = models.DateField("收到申请日期", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # 第三十条: the one-time 补正; the clock restarts on the day the correction arrives.
    correction_requested_on = models.DateField("补正告知日期", null=True, blank=True)
    correction_items = models.TextField("需要补正的事项", blank=True, max_length=REASON_MAX_LENGTH * 2)
    correction_deadline = models.DateField("补正期限", null=True, blank=True)
    correction_received_on = models.DateField("收到补正日期", null=True, blank=True)
    correction_text = models.TextField("补正内容", blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    # 第三十三条第二款: one extension, at most 20 working days, with the head of the office's consent.
    # The answer's due date while the clock runs (kept by every step from ``clock.clock_of``, so the
    # overdue lists are one indexed query); empty while waiting for a correction or a third party.
    due_date = models.DateField("答复期限", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延长答复期限（工作日）", default=0)
    extension_reason = models.CharField("延期理由", max_length=REASON_MAX_LENGTH, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    outcome = models.CharField("办理结果", max_length=30, choices=Outcome.choices, blank=True)
    legal_basis = models.CharField("法律依据", max_length=300, blank=True)
    answer = models.TextField("答复内容", blank=True, max_length=ANSWER_MAX_LENGTH)
    answer_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concluded_on = models.DateField("办结日期", null=True, blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivered_by_means = models.CharField("送达方式", max_length=20, choices=DeliveryMeans.choices, blank=True)
    personal_data_purged_at = models.DateTimeField("个人信息清除时间", null=True, blank=True)

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at", "-pk"]
        permissions = [("oversee_applications", "查看和督办所有政府信息公开申请（信息中心）")]
        indexes = [
            models.Index(fields=["unit", "state", "due_date"], name="applications_unit_state_due"),
            models.Index(fields=["state", "due_date"], name="applications_state_due"),
            models.Index(fields=["state", "received_on"], name="applications_state_received"),
            models.Index(fields=["unit", "received_on"], name="applications_unit_received"),
            models.Index(fields=["unit", "concluded_on"], name="applications_unit_concluded"),
        ]

    def __str__(self) -> str:
        return f"政府信息公开申请 {self.number or self.pk}"

    @property
    def is_concluded(self) -> bool:
        return self.state in CONCLUDED_STATES

    @property
    def outcome_group(self) -> str:
        return GROUP_OF_OUTCOME.get(self.outcome, "")


class ClockPause(models.Model):
    """A span the statutory clock does not count (第三十三条第二款: consulting a third party or another
    agency, 第三十二条、第三十四条)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    third_party = models.CharField("征求意见对象", max_length=200)
    opinion = models.TextField("意见", blank=True, max_length=ANSWER_MAX_LENGTH)

    class Meta:
        verbose_name = "征求意见"
        verbose_name_plural = "征求意见"
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application} 征求{self.third_party}意见"


class ApplicationEvent(CaseEvent):
    """One step of a case's history."""

    case_field = "application"
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")


def attachment_path(instance: ApplicationAttachment, filename: str) -> str:
    # The stored name says nothing of the applicant: the original name is a field, not a path.
    from uuid import uuid4

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"applications/{timezone.localdate():%Y/%m}/{uuid4().hex}.{extension}"


class ApplicationAttachment(models.Model):
    """A file the applicant sent with the application (an identity document's scan), in private
    storage (``core.storage``): never reachable by URL, read through a permission-checked view."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = EncryptedTextField("原文件名")
    content_type = models.CharField("文件类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "申请附件"
        verbose_name_plural = "申请附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.application} 附件 {self.pk}"
