from django.core.management.base import BaseCommand

from cms.applications.reminders import send_reminders


class Command(BaseCommand):
    help = "发送依申请公开的每日提醒邮件（承办机关：超期和即将到期的申请；信息中心：汇总）。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="今天已发送过也再发送一次。")

    def handle(self, *args, force: bool = False, **options):
        sent = send_reminders(force=force)
        if sent is None:
            self.stdout.write("今天的提醒邮件已经发送过（如需重发请加 --force）。")
        else:
            self.stdout.write(f"已发送 {sent} 封提醒邮件。")
