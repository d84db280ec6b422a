from django.core.management.base import BaseCommand

from cms.applications.actions import purge_expired_personal_data


class Command(BaseCommand):
    help = "清除办结超过保存期限（APPLICATION_RETENTION_DAYS）的政府信息公开申请中的申请人个人信息。"

    def handle(self, *args, **options):
        self.stdout.write(f"已清除 {purge_expired_personal_data()} 件申请的个人信息。")
