import os

from django.core.management.base import BaseCommand
from tqdm import tqdm
from wagtail.models import Site

from demo.loader import load_demo

DEFAULT_PASSWORD = "Demo@2026cluster"


class Command(BaseCommand):
    help = "建立演示站群：门户网站、3个乡镇/街道子站、3个部门子站及真实政务信息（可重复执行）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD), help="演示账号的密码"
        )
        parser.add_argument("--port", type=int, default=8000, help="演示服务器的端口（站点地址和站间链接使用）")

    def handle(self, *args, **options):
        password = options["password"]
        counts = load_demo(
            admin_password=password,
            port=options["port"],
            progress=lambda items: tqdm(items, desc="导入信息", unit="篇", disable=options["verbosity"] == 0),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"演示站群就绪：新建 {counts['sites']} 个站点、{counts['articles']} 篇信息、{counts['users']} 个账号。"
            )
        )
        self.stdout.write("\n站点地址：")
        for site in Site.objects.order_by("-is_default_site", "hostname"):
            self.stdout.write(f"  {site.site_name:<12} {site.root_url}/")
        self.stdout.write(f"\n后台：{Site.objects.get(is_default_site=True).root_url}/admin/")
        self.stdout.write(f"  信息中心管理员  admin / {password}")
        self.stdout.write("  子站账号        <站点>_editor、<站点>_reviewer（如 jyj_editor），密码同上")
