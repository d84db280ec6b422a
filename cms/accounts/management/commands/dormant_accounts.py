from django.conf import settings
from django.core.management.base import BaseCommand

from cms.accounts.reports import disable_dormant_accounts, dormant_accounts


class Command(BaseCommand):
    help = "列出长期未登录的单位账号（默认 DORMANT_ACCOUNT_DAYS 天）；--disable 一键停用。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.DORMANT_ACCOUNT_DAYS)
        parser.add_argument("--disable", action="store_true", help="停用列出的账号")

    def handle(self, *args, days: int, disable: bool, **options):
        for user in dormant_accounts(days):
            site = user.account.site.site_name if hasattr(user, "account") and user.account.site else "—"
            last = f"{user.last_login:%Y-%m-%d}" if user.last_login else "从未登录"
            self.stdout.write(f"{user.username}\t{site}\t{last}")
        if disable:
            names = disable_dormant_accounts(days)
            self.stdout.write(self.style.SUCCESS(f"已停用 {len(names)} 个账号。"))
