"""浏览次数: an article's view count, as the database keeps it.

Pages are served from the anonymous page cache (sites/page_cache.py), so the page
itself cannot count: the page's script posts to the beacon /api/views/<id>/ after load
(``cms.visits``), which counts in Redis; the visits aggregation job copies the
running totals here every few minutes, and the beacon answers the live figure.
"""

from __future__ import annotations

from django.db import models


class PageViewCount(models.Model):
    """How many times readers have opened one page (浏览次数)."""

    # The page's own id as primary key: one row per page, found by the index
    # the lookup needs anyway; deleting a page deletes its count.
    page = models.OneToOneField(
        "wagtailcore.Page", verbose_name="页面", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveBigIntegerField("浏览次数", default=0)

    class Meta:
        verbose_name = "浏览次数"
        verbose_name_plural = "浏览次数"

    def __str__(self) -> str:
        return f"{self.page_id}: {self.count}"

    @classmethod
    def current(cls, page_id: int) -> int:
        return cls.objects.filter(page_id=page_id).values_list("count", flat=True).first() or 0
