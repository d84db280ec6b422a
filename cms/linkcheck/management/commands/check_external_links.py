from django.core.management.base import BaseCommand

from cms.linkcheck.actions import CheckExternalLinksAction
from sites.management import site_option


class Command(BaseCommand):
    help = "检查已发布页面中的外部链接（记录链接，检查到期的地址），每日由调度器在重新计算检查指标之前运行。"

    def add_arguments(self, parser):
        parser.add_argument("--site", type=int, help="只检查该站点（站点 ID）")

    def handle(self, *args, site: int | None = None, **options):
        target = site_option(site)
        summary = CheckExternalLinksAction(target).execute()
        self.stdout.write(self.style.SUCCESS(summary.describe()))
