from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from sites.services import ReopenSiteAction

from .close_subsite import site_by_hostname
from .create_subsite import refusal


class Command(BaseCommand):
    help = "重新开通已关停或维护中的子站。"

    def add_arguments(self, parser):
        parser.add_argument("hostname")

    def handle(self, *args, **options):
        site = site_by_hostname(options["hostname"])
        try:
            ReopenSiteAction(site).execute()
        except ValidationError as error:
            raise refusal(error) from None
        self.stdout.write(self.style.SUCCESS(f"已重新开通“{site.site_name}”。"))
