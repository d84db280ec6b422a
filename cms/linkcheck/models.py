"""The external link checker's records: each distinct address with the result of its last check,
and which published page links to it (``actions.py`` writes both)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", "未检查"
    OK = "ok", "正常"
    BROKEN = "broken", "无法访问"  # an HTTP error status, an unknown domain, a TLS failure …
    TIMEOUT = "timeout", "超时"
    REDIRECT_LOOP = "redirect_loop", "重定向循环"
    REFUSED = "refused", "拒绝连接"
    DENIED = "denied", "不检查"  # deny list, intranet address or not http(s): never contacted


# Outcomes that count towards ``consecutive_failures``; a denied address is neither a pass nor a failure.
FAILURE_STATUSES = (LinkStatus.BROKEN, LinkStatus.TIMEOUT, LinkStatus.REDIRECT_LOOP, LinkStatus.REFUSED)


class ExternalUrl(models.Model):
    """One distinct address linked from published rich text, and its last check."""

    url = models.TextField("地址")
    # The address's SHA-256: unique whatever its length (a btree entry holds at most ~2.7 kB).
    url_hash = models.CharField(max_length=64, unique=True)
    host = models.CharField("主机", max_length=255, db_index=True)
    status = models.CharField("状态", max_length=20, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED)
    http_code = models.PositiveSmallIntegerField("HTTP 状态码", null=True, blank=True)
    final_url = models.TextField("重定向后的地址", blank=True)
    error = models.CharField("错误信息", max_length=500, blank=True)
    checked_at = models.DateTimeField("检查时间", null=True, blank=True, db_index=True)
    consecutive_failures = models.PositiveIntegerField("连续失败次数", default=0)
    last_ok_at = models.DateTimeField("最近一次正常", null=True, blank=True)
    first_seen_at = models.DateTimeField("首次发现", auto_now_add=True)

    class Meta:
        verbose_name = "外部链接地址"
        verbose_name_plural = "外部链接地址"

    def __str__(self) -> str:
        return self.url

    @property
    def is_broken(self) -> bool:
        """Broken only after failing on LINKCHECK_FAILURES_TO_BREAK consecutive checks (no flapping)."""
        return self.consecutive_failures >= settings.LINKCHECK_FAILURES_TO_BREAK


class ExternalLink(models.Model):
    """A published page linking to an address (one row per page and address)."""

    url = models.ForeignKey(ExternalUrl, on_delete=models.CASCADE, related_name="links", verbose_name="地址")
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+", verbose_name="站点")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name="页面")
    text = models.CharField("链接文字", max_length=255, blank=True)
    on_home_page = models.BooleanField("在首页", default=False)

    class Meta:
        verbose_name = "外部链接"
        verbose_name_plural = "外部链接"
        constraints = [models.UniqueConstraint(fields=["page", "url"], name="linkcheck_one_link_per_page_and_url")]

    def __str__(self) -> str:
        return f"{self.page_id} → {self.url_id}"
