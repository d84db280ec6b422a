from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from cms.linkcheck.actions import CheckExternalLinksAction


class Command(BaseCommand):
    help = "检查已发布页面中的外部链接（记录链接，检查到期的地址），每日由调度器在重新计算检查指标之前运行。"

    def add_arguments(self, parser):
        parser.add_argument("--site", type=int, help="只检查该站点（站点 ID）")

    def handle(self, *args, site: int | None = None, **options):
        target = None
        if site is not None:
            target = Site.objects.filter(pk=site).first()
            if target is None:
                raise CommandError(f"站点 {site} 不存在。")
        summary = CheckExternalLinksAction(target).execute()
        self.stdout.write(self.style.SUCCESS(summary.describe()))
