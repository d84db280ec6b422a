from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from sites.services import CloseSiteAction

from .create_subsite import refusal


def site_by_hostname(hostname: str) -> Site:
    site = Site.objects.filter(hostname=hostname.strip().lower()).first()
    if site is None:
        raise CommandError(f"没有主机名为“{hostname}”的站点。")
    return site


class Command(BaseCommand):
    help = "关停子站：该站所有地址返回 410 和关停公告，并链接到门户网站。"

    def add_arguments(self, parser):
        parser.add_argument("hostname")
        parser.add_argument("--notice", required=True, help="关停公告")
        parser.add_argument(
            "--withdraw-pushed", action="store_true", help="同时撤销该站推送到其他网站的信息（一键下架：撤销）"
        )

    def handle(self, *args, **options):
        site = site_by_hostname(options["hostname"])
        try:
            CloseSiteAction(site, notice=options["notice"], withdraw_pushed=options["withdraw_pushed"]).execute()
        except ValidationError as error:
            raise refusal(error) from None
        self.stdout.write(self.style.SUCCESS(f"已关停“{site.site_name}”。"))
