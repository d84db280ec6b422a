from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from cms.monitoring.actions import RecomputeIndicatorsAction


class Command(BaseCommand):
    help = "重新计算各网站的检查指标（首页更新、栏目更新、空白栏目、互动回应、内容准确、站内链接），每日由调度器运行。"

    def add_arguments(self, parser):
        parser.add_argument("--site", type=int, help="只计算该站点（站点 ID）")

    def handle(self, *args, site: int | None = None, **options):
        target = None
        if site is not None:
            target = Site.objects.filter(pk=site).first()
            if target is None:
                raise CommandError(f"站点 {site} 不存在。")
        rows = RecomputeIndicatorsAction(target).execute()
        self.stdout.write(self.style.SUCCESS(f"已计算 {len({row.site_id for row in rows})} 个站点的检查指标。"))
