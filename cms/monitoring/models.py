"""Stored inspection indicators: one row per site and rule, and what people enter by hand.

``SiteIndicator`` rows are written only by ``RecomputeIndicatorsAction`` (``actions.py``),
which replaces a site's rows at once; the board reads them and never computes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    GREEN = "green", "正常"
    AMBER = "amber", "预警"
    RED = "red", "扣分"
    VETO = "veto", "单项否决"
    NO_DATA = "no_data", "暂无数据"


# Worse is larger: the board sorts by it and a mail goes out when a rule moves up to amber or beyond.
STATUS_RANK = {Status.NO_DATA: 0, Status.GREEN: 0, Status.AMBER: 1, Status.RED: 2, Status.VETO: 3}


class SiteIndicator(models.Model):
    site = models.ForeignKey("wagtailcore.Site", verbose_name="网站", on_delete=models.CASCADE, related_name="+")
    rule = models.CharField("指标", max_length=40)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    message = models.TextField("说明")
    # [{"kind": "page" | "letter", "id": …, "title": …}]: what causes the status, for the board's links.
    causes = models.JSONField("原因", default=list, blank=True)
    deduction = models.DecimalField("扣分", max_digits=5, decimal_places=1, default=0)
    computed_at = models.DateTimeField("计算时间", default=timezone.now)

    class Meta:
        verbose_name = "检查指标"
        verbose_name_plural = "检查指标"
        constraints = [models.UniqueConstraint(fields=["site", "rule"], name="one_indicator_per_site_rule")]
        permissions = [("view_all_indicators", "查看和重新计算全站群的检查指标（信息中心）")]

    def __str__(self) -> str:
        return f"{self.site_id}·{self.rule}·{self.status}"

    @property
    def cause_page_ids(self) -> list[int]:
        return [cause["id"] for cause in self.causes if cause.get("kind") == "page"]


class ManualIndicator(models.TextChoices):
    """Items of the 2019 indicators the system cannot measure: entered by the info center."""

    SERVICE = "service", "办事服务（事项准确、可办）"
    INTERACTION_QUALITY = "interaction_quality", "互动交流（答复质量）"
    SECURITY = "security", "安全防护"
    NEW_MEDIA = "new_media", "政务新媒体"
    EXTERNAL_LINKS = "external_links", "外部链接可用性（人工抽查）"
    OTHER = "other", "其他"


class ManualEntry(models.Model):
    """One finding entered by hand (an inspector's visit, a spot check), with who entered it and when.

    The manual rule (``rules.ManualEntriesRule``) reads the latest entry of each indicator of a site."""

    site = models.ForeignKey("wagtailcore.Site", verbose_name="网站", on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField("指标", max_length=30, choices=ManualIndicator.choices)
    status = models.CharField(
        "结论",
        max_length=10,
        choices=[(s.value, s.label) for s in (Status.GREEN, Status.AMBER, Status.RED, Status.VETO)],
    )
    deduction = models.DecimalField("扣分", max_digits=5, decimal_places=1, default=0)
    note = models.CharField("说明", max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "人工录入指标"
        verbose_name_plural = "人工录入指标"
        ordering = ["-entered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}：{self.note}"


class ScoreSnapshot(models.Model):
    """One site's result on one day: the score, the vetoes and every rule's status, kept so months,
    quarters and years can be reported (每月通报, the ranking) and trends charted.

    Written only by ``RecomputeIndicatorsAction`` with the ``SiteIndicator`` rows it replaces:
    one row per site and day, a later recompute the same day replaces it."""

    site = models.ForeignKey("wagtailcore.Site", verbose_name="网站", on_delete=models.CASCADE, related_name="+")
    date = models.DateField("日期")
    points = models.DecimalField("得分", max_digits=5, decimal_places=1)
    vetoes = models.PositiveSmallIntegerField("单项否决项数", default=0)
    # {rule key: status}: the report counts each rule's days per status with key lookups in SQL.
    statuses = models.JSONField("各指标状态", default=dict)
    # {rule key: points deducted} and {rule key: message}: what the report shows of the month's last day.
    deductions = models.JSONField("各指标扣分", default=dict)
    messages = models.JSONField("各指标说明", default=dict)
    computed_at = models.DateTimeField("计算时间", default=timezone.now)

    class Meta:
        verbose_name = "每日得分记录"
        verbose_name_plural = "每日得分记录"
        constraints = [models.UniqueConstraint(fields=["site", "date"], name="one_score_snapshot_per_site_day")]
        indexes = [models.Index(fields=["date", "site"], name="score_snapshot_by_date")]

    def __str__(self) -> str:
        return f"{self.site_id}·{self.date}·{self.points}"
