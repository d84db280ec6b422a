"""浏览次数: per-page view counters, incremented by a beacon, never by the page view.

Pages are served from the anonymous page cache (sites/page_cache.py), so the
page itself cannot count; the article's script posts to /api/views/<id>/ after
load instead (cms/content/article_views.py). The database row is the source of
truth: increments are single ``UPDATE … SET count = count + 1`` statements, so
concurrent readers never lose a view.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import F


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
    def increment(cls, page_id: int) -> int:
        """Add one view and return the new count; safe under concurrent requests.

        The UPDATE takes the row lock, so reading the count back inside the same
        transaction sees exactly this increment. The first view of a page
        inserts the row; if another request inserted it first, the unique
        primary key makes our insert fail and we increment theirs instead.
        """
        with transaction.atomic():
            if not cls.objects.filter(page_id=page_id).update(count=F("count") + 1):
                try:
                    with transaction.atomic():  # savepoint: a lost insert race must not break the outer transaction
                        cls.objects.create(page_id=page_id, count=1)
                    return 1
                except IntegrityError:
                    cls.objects.filter(page_id=page_id).update(count=F("count") + 1)
            return cls.objects.filter(page_id=page_id).values_list("count", flat=True).get()

    @classmethod
    def current(cls, page_id: int) -> int:
        return cls.objects.filter(page_id=page_id).values_list("count", flat=True).first() or 0
