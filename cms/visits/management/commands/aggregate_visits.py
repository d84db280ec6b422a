"""汇总访问统计: the day's Redis counters into daily rows (scheduled every 10 minutes)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cms.visits.aggregation import aggregate


class Command(BaseCommand):
    help = "汇总访问统计：把 Redis 中的当日计数写入每日访问量（可重复运行，结果相同）。"

    def handle(self, *args, **options):
        summary = aggregate()
        days = "、".join(f"{d:%Y-%m-%d}" for d in summary.days) or "无"
        self.stdout.write(f"已汇总日期：{days}；写入 {summary.rows} 行，浏览次数 {summary.totals} 条。")
