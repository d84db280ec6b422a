"""Push records (一键推送) and takedowns (一键下架): who sent what where, and what was taken down.

Pages themselves carry no syndication fields: a push is a record linking a
source page to a target column (and, once accepted, the resulting alias or
copy); a takedown is a record of the item, its kind and every page it reached,
so that it can be shown, audited and restored exactly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PushMode(models.TextChoices):
    ALIAS = "alias", "引用（随原文同步更新）"
    COPY = "copy", "复制（采用方可编辑）"


class PushStatus(models.TextChoices):
    PENDING = "pending", "待采用"
    ACCEPTED = "accepted", "已采用"
    REJECTED = "rejected", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


class PushDirection(models.TextChoices):
    UP = "up", "报送（上报门户）"
    DOWN = "down", "转发（下发子站）"
    ACROSS = "across", "平级推送"


# A push still "occupies" its target column while pending or accepted: pushing
# the same item there again is refused. Rejected or withdrawn pushes do not.
ACTIVE_PUSH_STATUSES = (PushStatus.PENDING, PushStatus.ACCEPTED)
# 推送说明 and every reason: a few sentences, not a document (checked by the actions too).
REASON_MAX_LENGTH = 500


class PushRecord(models.Model):
    source = models.ForeignKey(
        "wagtailcore.Page", verbose_name="原文", on_delete=models.CASCADE, related_name="pushes_out"
    )
    source_site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="推送网站", on_delete=models.CASCADE, related_name="pushes_sent"
    )
    target_column = models.ForeignKey(
        "wagtailcore.Page", verbose_name="目标栏目", on_delete=models.CASCADE, related_name="pushes_in"
    )
    target_site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="目标网站", on_delete=models.CASCADE, related_name="pushes_received"
    )
    mode = models.CharField("方式", max_length=10, choices=PushMode.choices)
    direction = models.CharField("方向", max_length=10, choices=PushDirection.choices)
    status = models.CharField("状态", max_length=10, choices=PushStatus.choices, default=PushStatus.PENDING)
    note = models.TextField("推送说明", blank=True, max_length=REASON_MAX_LENGTH)
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="推送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pushed_at = models.DateTimeField("推送时间", default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    auto_accepted = models.BooleanField("自动采用", default=False)
    reason = models.TextField("退回理由", blank=True, max_length=REASON_MAX_LENGTH)
    resulting_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="采用后的页面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="push_origins",
    )
    # Set while a takedown has withdrawn this push; restore puts the status back.
    takedown = models.ForeignKey(
        "syndication.Takedown", null=True, blank=True, on_delete=models.SET_NULL, related_name="withdrawn_pushes"
    )
    status_before_takedown = models.CharField(max_length=10, choices=PushStatus.choices, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        ordering = ["-pushed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target_column"],
                condition=Q(status__in=["pending", "accepted"]),
                name="syndication_one_active_push_per_column",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_column_id}（{self.get_status_display()}）"


class ColumnPushSettings(models.Model):
    """Whether a column takes pushes, and from which sites it accepts them without review."""

    column = models.OneToOneField(
        "wagtailcore.Page", verbose_name="栏目", on_delete=models.CASCADE, related_name="push_settings"
    )
    accepts_pushes = models.BooleanField("接收推送", default=True)
    auto_accept_from = models.ManyToManyField(
        "wagtailcore.Site",
        verbose_name="自动采用以下网站的推送",
        blank=True,
        related_name="+",
        help_text="这些网站推送到本栏目的信息无需审核，直接发布。",
    )

    class Meta:
        verbose_name = "栏目推送设置"
        verbose_name_plural = "栏目推送设置"

    def __str__(self) -> str:
        return f"栏目 {self.column_id} 的推送设置"


class TakedownKind(models.TextChoices):
    # GOV.UK's unpublish types (DESIGN §3 "Withdrawal must be visible").
    WITHDRAWN = "withdrawn", "撤销（保留页面，显示撤销公告）"
    GONE = "gone", "删除（410 已删除）"
    REDIRECT = "redirect", "跳转（转到指定页面）"
    VANISH = "vanish", "紧急下架（404，不留痕迹）"


class Takedown(models.Model):
    item = models.ForeignKey(
        "wagtailcore.Page", verbose_name="信息", on_delete=models.CASCADE, related_name="takedowns"
    )
    item_title = models.CharField("标题", max_length=255)
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="所属网站", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField("下架方式", max_length=10, choices=TakedownKind.choices)
    reason = models.TextField("下架理由", max_length=REASON_MAX_LENGTH)
    replacement = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="替代页面/跳转目标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Taken down by the info center (an actor holding take_down_anywhere) or by the cluster
    # itself (closing a site): only the info center may restore it (permissions.can_restore).
    by_info_center = models.BooleanField("信息中心下架", default=False)
    created_at = models.DateTimeField("下架时间", default=timezone.now, db_index=True)
    restored_at = models.DateTimeField("恢复时间", null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="恢复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    restore_reason = models.TextField("恢复理由", blank=True, max_length=REASON_MAX_LENGTH)

    class Meta:
        verbose_name = "下架记录"
        verbose_name_plural = "下架记录"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(restored_at__isnull=True), name="syndication_one_live_takedown_per_item"
            )
        ]
        # The info center's capabilities (cms.syndication.permissions), granted to its roles.
        permissions = [
            ("take_down_anywhere", "可下架、恢复任何网站的信息"),
            ("view_syndication_records", "可查看推送与下架记录、查找并下架、信息报送统计"),
        ]

    def __str__(self) -> str:
        return f"{self.item_title}（{self.get_kind_display()}）"

    @property
    def is_active(self) -> bool:
        return self.restored_at is None


class TakedownPage(models.Model):
    """One page a takedown reached, with what restore needs to put it back."""

    takedown = models.ForeignKey(Takedown, on_delete=models.CASCADE, related_name="pages")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey("wagtailcore.Site", null=True, on_delete=models.SET_NULL, related_name="+")
    # The page's path within its site ("/xwzx/tzgg/a12/"): answers 410/redirect once it is offline.
    path = models.CharField(max_length=1000)
    title = models.CharField(max_length=255)
    was_live = models.BooleanField(default=True)
    # The revision that was live: restore publishes it again (Wagtail's unpublish clears the page's own).
    live_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["takedown", "page"], name="syndication_takedown_page_once")]
        indexes = [models.Index(fields=["site", "path"], condition=Q(active=True), name="syndication_active_path")]
        verbose_name = verbose_name_plural = "下线页面"

    def __str__(self) -> str:
        return f"{self.title}（{self.path}）"
