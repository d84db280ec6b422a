"""意见征集: a consultation page and the comments citizens send while it is open.

The consultation is a page (edited, reviewed and published like any page, so its
征集结果反馈 goes through the site's review workflow too); comments are rows beside
it, never part of the page, the search index or a feed. Names, phones and e-mails
are stored encrypted (``core.personal_data``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.content.models import ARTICLE_BODY_FEATURES
from cms.content.serving import ServingMixin
from core.personal_data import EncryptedTextField, mask_name
from core.publishing import PublishGuardMixin

CONTENT_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 30
PHONE_MAX_LENGTH = 20
EMAIL_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 500


class CommentMode(models.TextChoices):
    MODERATED = "moderated", "审核后公开"
    NEVER_PUBLISHED = "never_published", "不公开"


class ConsultationState(models.TextChoices):
    UPCOMING = "upcoming", "未开始"
    OPEN = "open", "征集中"
    CLOSED = "closed", "已结束"
    ANSWERED = "answered", "已反馈"


class ConsultationPage(PublishGuardMixin, ServingMixin, RoutablePageMixin, Page):
    """One 意见征集: the draft put to the public, the window, and afterwards the result feedback."""

    purpose = models.TextField("征集目的", max_length=1000)
    body = RichTextField(
        "征求意见稿", blank=True, features=ARTICLE_BODY_FEATURES, help_text="征求意见稿正文；也可只上传附件。"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="征求意见稿附件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField("征集开始日期")
    end_date = models.DateField("征集截止日期", help_text="截止日当天仍可提交意见。")
    how_to_respond = models.TextField(
        "意见反馈方式",
        max_length=1000,
        blank=True,
        help_text="除网上提交外的方式，如电子邮箱、通信地址、联系电话。",
    )
    comment_mode = models.CharField(
        "网上意见处理方式", max_length=20, choices=CommentMode.choices, default=CommentMode.MODERATED
    )
    feedback_comment_count = models.PositiveIntegerField("收到意见数", null=True, blank=True)
    feedback_adopted_count = models.PositiveIntegerField("采纳意见数", null=True, blank=True)
    feedback_reasons = RichTextField(
        "主要意见未采纳情况及理由", blank=True, features=["bold", "italic", "ol", "ul", "link"]
    )
    feedback_published_on = models.DateField(
        "反馈发布日期", null=True, blank=True, help_text="填写后本征集显示为“已反馈”；须经审核发布后生效。"
    )

    content_panels = Page.content_panels + [
        FieldPanel("purpose"),
        FieldPanel("body"),
        FieldPanel("document"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("comment_mode")]),
        FieldPanel("how_to_respond"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("feedback_comment_count"), FieldPanel("feedback_adopted_count")]),
                FieldPanel("feedback_reasons"),
                FieldPanel("feedback_published_on"),
            ],
            heading="征集结果反馈（征集结束后填写）",
        ),
    ]
    # The draft and the feedback only: comments are rows of their own and never indexed.
    search_fields = Page.search_fields + [index.SearchField("purpose"), index.SearchField("body")]
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []
    # Listed by consultations/includes/consultation_list.html, not among the column's sub-columns.
    listed_by_own_include = True

    class Meta:
        verbose_name = "意见征集"
        indexes = [models.Index(fields=["end_date"], name="consultation_end")]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "截止日期不能早于开始日期。"
        if not (self.body or "").strip() and not self.document_id:
            errors["body"] = "请填写征求意见稿正文或上传附件。"
        errors.update(self._feedback_errors())
        if errors:
            raise ValidationError(errors)

    def _feedback_errors(self) -> dict[str, str]:
        received, adopted = self.feedback_comment_count, self.feedback_adopted_count
        started = [received is not None, adopted is not None, bool(self.feedback_published_on)]
        if not any(started) and not (self.feedback_reasons or "").strip():
            return {}
        errors = {}
        if received is None:
            errors["feedback_comment_count"] = "请填写收到意见数。"
        if adopted is None:
            errors["feedback_adopted_count"] = "请填写采纳意见数。"
        if received is not None and adopted is not None and adopted > received:
            errors["feedback_adopted_count"] = "采纳意见数不能多于收到意见数。"
        if not self.feedback_published_on:
            errors["feedback_published_on"] = "请填写反馈发布日期。"
        elif self.end_date and self.feedback_published_on < self.end_date:
            errors["feedback_published_on"] = "征集结束后才能发布结果反馈：反馈日期不能早于截止日期。"
        unadopted = received is not None and adopted is not None and adopted < received
        if unadopted and not (self.feedback_reasons or "").strip():
            errors["feedback_reasons"] = "有未采纳的意见时，请说明主要意见未采纳的理由。"
        return errors

    @property
    def has_feedback(self) -> bool:
        return self.feedback_published_on is not None

    def state(self, today: date | None = None) -> ConsultationState:
        """Derived from the dates: the end date is the last day comments are taken."""
        today = today or timezone.localdate()
        if today < self.start_date:
            return ConsultationState.UPCOMING
        if today <= self.end_date:
            return ConsultationState.OPEN
        return ConsultationState.ANSWERED if self.has_feedback else ConsultationState.CLOSED

    @property
    def current_state(self) -> ConsultationState:
        return self.state()

    @property
    def is_open(self) -> bool:
        return self.state() == ConsultationState.OPEN

    @property
    def publishes_comments(self) -> bool:
        return self.comment_mode == CommentMode.MODERATED

    def published_comments(self) -> models.QuerySet[ConsultationComment]:
        """What the public may read: approved comments of a moderated consultation, oldest first."""
        if not self.publishes_comments:
            return ConsultationComment.objects.none()
        return self.comments.filter(state=CommentState.PUBLISHED).only(
            "consultation", "content", "name", "submitted_at"
        )

    @path("")
    def index_route(self, request):
        return self.render(request, context_overrides={"comments": list(self.published_comments())})

    @path("comment/", name="comment")
    def comment_route(self, request):
        from .views import comment_view  # the public form's view, kept beside its form

        return comment_view(request, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["comment_url"] = self.get_url(request) + self.reverse_subpage("comment")
        return context


class CommentState(models.TextChoices):
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已公开"
    REFUSED = "refused", "不予公开"


class ConsultationComment(models.Model):
    """One citizen's comment on a consultation. Personal data encrypted; blanked after the retention period."""

    consultation = models.ForeignKey(
        ConsultationPage, verbose_name="意见征集", on_delete=models.CASCADE, related_name="comments"
    )
    content = models.TextField("意见内容", max_length=CONTENT_MAX_LENGTH)
    name = EncryptedTextField("姓名", blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    email = EncryptedTextField("电子邮箱", blank=True)
    consent = models.BooleanField("同意处理个人信息", default=False)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    ip_digest = models.CharField("来源地址摘要", max_length=64, blank=True)
    state = models.CharField("状态", max_length=20, choices=CommentState.choices, default=CommentState.PENDING)
    findings = models.JSONField("敏感词检查结果", default=list, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    moderation_note = models.CharField("审核说明", max_length=NOTE_MAX_LENGTH, blank=True)
    personal_data_purged_at = models.DateTimeField("个人信息清除时间", null=True, blank=True)

    class Meta:
        verbose_name = "征集意见"
        verbose_name_plural = "征集意见"
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["state", "submitted_at"], name="consultation_comment_queue")]

    def __str__(self) -> str:
        return f"{self.consultation.title}·意见{self.pk}"

    @property
    def has_findings(self) -> bool:
        return bool(self.findings)

    @property
    def public_name(self) -> str:
        """What public pages show of the name: 张** (or 匿名 once purged)."""
        return mask_name(self.name)
