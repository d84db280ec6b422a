from django.core.management.base import BaseCommand, CommandError

from cms.accounts.audit import purge_audit_log
from cms.accounts.errors import AccountError


class Command(BaseCommand):
    help = "删除早于指定天数的审计日志和登录记录；少于 AUDIT_LOG_RETENTION_DAYS（至少 180 天）时拒绝。"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args, older_than_days: int, **options):
        try:
            deleted = purge_audit_log(older_than_days)
        except AccountError as error:
            raise CommandError(error.messages[0]) from error
        self.stdout.write(self.style.SUCCESS(f"已删除 {deleted} 条早于 {older_than_days} 天的记录。"))
