from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.services import LaunchRefused, OpenSiteAction

from .close_subsite import site_by_hostname
from .create_subsite import refusal


class Command(BaseCommand):
    help = (
        "开通筹建中的子站：先运行开通检查（导航栏目无空白、页脚备案信息和网站标识码齐全、"
        "公开指南已填写），通过后对公众开放。"
    )

    def add_arguments(self, parser):
        parser.add_argument("hostname")

    def handle(self, *args, **options):
        site = site_by_hostname(options["hostname"])
        try:
            OpenSiteAction(site).execute()
        except LaunchRefused as error:
            heading, *findings = error.messages
            raise CommandError("\n".join([heading, *(f"- {finding}" for finding in findings)])) from None
        except ValidationError as error:
            raise refusal(error) from None
        self.stdout.write(self.style.SUCCESS(f"已开通“{site.site_name}”，公众现在可以访问。"))
