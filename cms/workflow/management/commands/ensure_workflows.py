from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from cms.workflow.services import WorkflowSetupError, ensure_all_site_workflows


class Command(BaseCommand):
    help = "为尚无审核流程的站点建立默认审核流程（提交→自动检查→初审→终审），已有的设置保持不变（可重复执行）。"

    def add_arguments(self, parser):
        parser.add_argument("hostnames", nargs="*", help="只处理这些站点（默认全部）")

    def handle(self, *args, **options):
        sites = Site.objects.select_related("root_page").order_by("pk")
        if options["hostnames"]:
            sites = sites.filter(hostname__in=options["hostnames"])
            if not sites:
                raise CommandError("没有找到指定的站点。")
        try:
            count = ensure_all_site_workflows(sites)
        except WorkflowSetupError as error:
            raise CommandError(error.messages[0]) from error
        self.stdout.write(self.style.SUCCESS(f"已检查 {count} 个站点的审核流程。"))
