from django.core.management.base import BaseCommand

from cms.monitoring.actions import RecomputeIndicatorsAction
from sites.management import site_option


class Command(BaseCommand):
    help = "重新计算各网站的检查指标（首页更新、栏目更新、空白栏目、互动回应、内容准确、站内链接），每日由调度器运行。"

    def add_arguments(self, parser):
        parser.add_argument("--site", type=int, help="只计算该站点（站点 ID）")

    def handle(self, *args, site: int | None = None, **options):
        target = site_option(site)
        rows = RecomputeIndicatorsAction(target).execute()
        self.stdout.write(self.style.SUCCESS(f"已计算 {len({row.site_id for row in rows})} 个站点的检查指标。"))
