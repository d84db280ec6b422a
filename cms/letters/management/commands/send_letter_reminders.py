from django.core.management.base import BaseCommand

from cms.letters.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "发送来信办理提醒邮件：各单位的超期和即将到期来信，"
        "信息中心的全站群汇总和超过60天未办结来信（每日一次，由 cron 调用）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="今天已发送过也再发送一次")

    def handle(self, *args, force: bool, **options):
        sent = send_reminders(force=force)
        if sent is None:
            self.stdout.write("今天的提醒邮件已经发送过，未重复发送（如需重发请加 --force）。")
        else:
            self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 封提醒邮件。"))
