from django.core.management.base import BaseCommand

from cms.consultations.retention import PurgeConsultationPersonalDataAction


class Command(BaseCommand):
    help = "清除已结束超过保存期限（CONSULTATION_RETENTION_DAYS）的意见征集中意见提交人的姓名、电话和电子邮箱。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不清除。")

    def handle(self, *args, dry_run: bool = False, **options):
        action = PurgeConsultationPersonalDataAction()
        if dry_run:
            count = action.due().count()
            self.stdout.write(f"将清除 {count} 条意见的个人信息（征集截止日期早于 {action.cutoff():%Y-%m-%d}）。")
            return
        count = action.execute()
        self.stdout.write(f"已清除 {count} 条意见的个人信息（征集截止日期早于 {action.cutoff():%Y-%m-%d}）。")
