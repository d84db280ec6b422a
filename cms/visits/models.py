"""访问统计: one row per day and counted scope (the site, a column, a page).

The rows are written only by the aggregation job (``aggregation.py``) from the day's
Redis counters, as absolute figures for the day, so running it again rewrites the
same rows. ``visitors`` is the day's unique visitors (独立用户: a visitor counted once a
day, 国办函〔2018〕12号); over a range the statistics page adds the days up, as the
annual report does.
"""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    SITE = "site", "网站"
    COLUMN = "column", "栏目"
    PAGE = "page", "页面"


class VisitDay(models.Model):
    date = models.DateField("日期")
    site = models.ForeignKey("wagtailcore.Site", verbose_name="网站", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField("统计对象", max_length=6, choices=Scope.choices)
    # The site's home page for a site row, the column for a column row, the page for a page row:
    # never null, so (date, scope, page) is a plain unique key for the upsert.
    page = models.ForeignKey("wagtailcore.Page", verbose_name="页面", on_delete=models.CASCADE, related_name="+")
    views = models.PositiveBigIntegerField("浏览量", default=0)
    visitors = models.PositiveBigIntegerField("访客数", default=0)

    class Meta:
        verbose_name = "每日访问量"
        verbose_name_plural = "每日访问量"
        constraints = [models.UniqueConstraint(fields=["date", "scope", "page"], name="visits_one_row_per_day")]
        indexes = [models.Index(fields=["site", "scope", "date"], name="visits_site_scope_date")]
        permissions = [("view_cluster_visits", "查看全站群访问统计")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_scope_display()} {self.page_id}: {self.views}/{self.visitors}"
