"""Review workflow data: the info center's word lists, check reports, emergency publications,
and which site each workflow and review step belongs to.

Wagtail's own ``Workflow`` / ``GroupApprovalTask`` / ``WorkflowPage`` hold the
workflows themselves; this app adds the automatic check task and what it needs.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import models, transaction
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.models import AbstractGroupApprovalTask, Task

from core.publishing import PublishRefused


class Severity(models.TextChoices):
    BLOCK = "block", "禁止（自动退回）"
    WARN = "warn", "提醒（交审核人判断）"


class WordCategory(models.TextChoices):
    POLITICAL = "political", "政治敏感"
    VULGAR = "vulgar", "低俗色情"
    VIOLENCE = "violence", "暴力恐怖"
    ILLEGAL = "illegal", "违法犯罪"
    ADVERTISING = "advertising", "违规广告用语"
    OTHER = "other", "其他"


class TermCategory(models.TextChoices):
    STATE = "state", "国家及政权机关名称"
    LEADER = "leader", "领导姓名职务"
    PLACE = "place", "地名"
    ORGANISATION = "organisation", "机构名称"
    OTHER = "other", "其他"


class SensitiveWord(models.Model):
    """A word that must not (block) or should not without review (warn) appear in published text."""

    word = models.CharField("敏感词", max_length=100, unique=True)
    category = models.CharField("类别", max_length=20, choices=WordCategory.choices, default=WordCategory.OTHER)
    severity = models.CharField("处理方式", max_length=10, choices=Severity.choices, default=Severity.BLOCK)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"
        ordering = ["category", "word"]

    def __str__(self) -> str:
        return self.word


class ProtectedTerm(models.Model):
    """A term with one correct form (国名, 领导姓名职务, 地名 …) and its known wrong variants.

    A misspelt leader's name is a fail-outright item in national inspections
    (国办秘函〔2019〕19号), so variants block by default.
    """

    correct = models.CharField("规范写法", max_length=100, unique=True)
    category = models.CharField("类别", max_length=20, choices=TermCategory.choices, default=TermCategory.OTHER)
    wrong_variants = models.TextField(
        "常见错误写法", max_length=5000, help_text="每行一个。正文中出现任一错误写法即报告。"
    )
    severity = models.CharField("处理方式", max_length=10, choices=Severity.choices, default=Severity.BLOCK)

    class Meta:
        verbose_name = "规范用语"
        verbose_name_plural = "规范用语"
        ordering = ["category", "correct"]

    def __str__(self) -> str:
        return self.correct

    @property
    def variants(self) -> list[str]:
        return [
            line.strip() for line in self.wrong_variants.splitlines() if line.strip() and line.strip() != self.correct
        ]


class TypoPair(models.Model):
    """A common wrong-character pair (错别字), e.g. 按排 → 安排."""

    wrong = models.CharField("错误写法", max_length=50, unique=True)
    correct = models.CharField("正确写法", max_length=50)
    severity = models.CharField("处理方式", max_length=10, choices=Severity.choices, default=Severity.WARN)

    class Meta:
        verbose_name = "错别字"
        verbose_name_plural = "错别字"
        ordering = ["wrong"]

    def __str__(self) -> str:
        return f"{self.wrong} → {self.correct}"


class AllowedPhrase(models.Model):
    """A phrase the info center allows although it contains a listed word (e.g. 警惕“刷单返利”骗局
    in an anti-fraud notice): occurrences of words inside it are not reported."""

    phrase = models.CharField("放行短语", max_length=100, unique=True, help_text="短语中出现的词库词语不再报告。")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "放行短语"
        verbose_name_plural = "放行短语"
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


class AutoCheckTask(Task):
    """自动检查: runs the content checks on the submitted revision and finishes at once.

    Block findings reject the task (the editor gets the report); otherwise it
    approves itself and the report travels with the item to the reviewers.
    """

    admin_form_fields = Task.admin_form_fields

    class Meta:
        verbose_name = "自动检查"
        verbose_name_plural = "自动检查"

    def start(self, workflow_state, user=None):
        from .services import run_auto_check_task

        task_state = super().start(workflow_state, user=user)
        run_auto_check_task(task_state, user=user)
        return task_state

    def get_actions(self, obj, user):
        return []  # nobody acts on it: it finishes as soon as it starts

    @classmethod
    def get_description(cls) -> str:
        return "检查敏感词、规范用语、错别字、链接、无障碍、公开目录字段和发布日期；有禁止项时自动退回。"


class ReviewTask(AbstractGroupApprovalTask):
    """初审 / 终审: Wagtail's group approval, which never shows reviewers an unchecked revision.

    Wagtail resumes a rejected workflow at the rejecting step, and a reviewer may
    edit during review; either way the revision now under review may never have
    been checked. Then the 自动检查 task runs again first (and, if it passes,
    the workflow comes back to this step).
    """

    class Meta:
        verbose_name = "审核（未检查的版本先自动检查）"
        verbose_name_plural = "审核（未检查的版本先自动检查）"

    def start(self, workflow_state, user=None):
        from .services import auto_check_task

        revision = workflow_state.content_object.get_latest_revision()
        check = auto_check_task()
        if check.active and not CheckReport.objects.filter(revision=revision).exists():
            return check.start(workflow_state, user=user)
        return super().start(workflow_state, user=user)

    def on_action(self, task_state, user, action_name, **kwargs):
        """One transaction for the whole action: when the last step's approval publishes and a
        publish rule refuses (``core.publishing.PublishRefused``), the task, the workflow and the
        check report made here roll back with it. The refusal reaches the caller, or, in an
        admin request, is shown there as the rule's message on the page's edit view."""
        from .middleware import admin_request

        try:
            with transaction.atomic():
                if action_name == "approve":
                    from .services import approve_latest_revision

                    # A reviewer may edit during their step: an approval of an unchecked revision
                    # is checked first, and a block finding sends it back instead.
                    if not approve_latest_revision(task_state):
                        return None
                return super().on_action(task_state, user, action_name, **kwargs)
        except PublishRefused as refused:
            request = admin_request()
            if request is None:
                raise
            messages.error(request, refused.message)
            return reverse("wagtailadmin_pages:edit", args=[task_state.workflow_state.object_id])

    @classmethod
    def get_description(cls) -> str:
        return "所选用户组的成员审核；提交的版本未经自动检查时先自动检查。"


class CheckReport(models.Model):
    """The findings of one automatic check of one revision."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+")
    task_state = models.OneToOneField(
        "wagtailcore.TaskState", null=True, blank=True, on_delete=models.SET_NULL, related_name="check_report"
    )
    created_at = models.DateTimeField("检查时间", auto_now_add=True)
    findings = models.JSONField("检查结果", default=list)
    blocked = models.BooleanField("有禁止项", default=False)

    class Meta:
        verbose_name = "自动检查报告"
        verbose_name_plural = "自动检查报告"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["page", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.summary}"

    @cached_property
    def block_findings(self) -> list[dict]:
        return [f for f in self.findings if f["severity"] == Severity.BLOCK]

    @cached_property
    def warn_findings(self) -> list[dict]:
        return [f for f in self.findings if f["severity"] == Severity.WARN]

    @property
    def summary(self) -> str:
        if not self.findings:
            return "自动检查通过，未发现问题。"
        verdict = "未通过，已自动退回修改" if self.blocked else "通过，请审核人注意提醒项"
        return f"自动检查{verdict}：禁止项 {len(self.block_findings)} 个，提醒项 {len(self.warn_findings)} 个。"


class CheckOverride(models.Model):
    """A reviewer judged a block finding on this page a false positive: later checks of the page
    report it as a reminder, with the recorded reason."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(CheckReport, null=True, on_delete=models.SET_NULL, related_name="overrides")
    kind = models.CharField("类别", max_length=20)
    what = models.CharField("问题", max_length=255)
    reason = models.TextField("放行理由", max_length=500)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="放行人"
    )
    created_at = models.DateTimeField("放行时间", auto_now_add=True)

    class Meta:
        verbose_name = "自动检查放行记录"
        verbose_name_plural = "自动检查放行记录"
        constraints = [models.UniqueConstraint(fields=["page", "kind", "what"], name="one_override_per_finding")]

    def __str__(self) -> str:
        return f"{self.page_id}·{self.what}"


class EmergencyPublication(models.Model):
    """紧急发布: the info center published an item skipping review; a reviewer must sign it off afterwards."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField("紧急发布理由", max_length=500)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发布人"
    )
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="补审人",
    )
    signed_off_at = models.DateTimeField("补审时间", null=True, blank=True)
    sign_off_comment = models.TextField("补审意见", blank=True, max_length=500)

    class Meta:
        verbose_name = "紧急发布记录"
        verbose_name_plural = "紧急发布记录"
        ordering = ["-published_at", "-pk"]
        permissions = [("emergency_publish", "可紧急发布（跳过审核，信息中心）")]
        indexes = [models.Index(fields=["signed_off_at", "-published_at"])]

    def __str__(self) -> str:
        return f"紧急发布：{self.page.title}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class WorkflowKind(models.TextChoices):
    FULL = "full", "标准审核（初审、终审）"
    QUICK = "quick", "简易审核（初审）"


class ReviewStep(models.TextChoices):
    FIRST = "first", "初审"
    FINAL = "final", "终审/保密审查"


class SiteWorkflow(models.Model):
    """One of a site's own workflows, tied to the site by key: its name is only what the admin shows,
    so renaming the site changes nothing here."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=WorkflowKind.choices)
    workflow = models.OneToOneField("wagtailcore.Workflow", on_delete=models.CASCADE, related_name="site_workflow")

    class Meta:
        verbose_name = "站点审核流程"
        verbose_name_plural = "站点审核流程"
        constraints = [models.UniqueConstraint(fields=["site", "kind"], name="one_workflow_per_site_and_kind")]

    def __str__(self) -> str:
        return f"{self.site_id}·{self.kind}"


class SiteReviewStep(models.Model):
    """One of a site's review steps (a ``ReviewTask``), tied to the site by key, like ``SiteWorkflow``."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    step = models.CharField("步骤", max_length=20, choices=ReviewStep.choices)
    task = models.OneToOneField(ReviewTask, on_delete=models.CASCADE, related_name="site_step")

    class Meta:
        verbose_name = "站点审核步骤"
        verbose_name_plural = "站点审核步骤"
        constraints = [models.UniqueConstraint(fields=["site", "step"], name="one_task_per_site_and_step")]

    def __str__(self) -> str:
        return f"{self.site_id}·{self.step}"
