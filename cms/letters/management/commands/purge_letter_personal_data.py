from django.conf import settings
from django.core.management.base import BaseCommand

from cms.letters.actions import purge_expired_personal_data


class Command(BaseCommand):
    help = "清除办结满保存期限（LETTER_RETENTION_DAYS）的来信中的来信人姓名、电话和电子邮箱；来信、答复和办理记录保留。"

    def handle(self, *args, **options):
        purged = purge_expired_personal_data()
        self.stdout.write(
            self.style.SUCCESS(f"已清除 {purged} 封来信的个人信息（办结超过 {settings.LETTER_RETENTION_DAYS} 天）。")
        )
