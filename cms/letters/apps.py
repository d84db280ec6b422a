from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "cms.letters"
    label = "letters"
    verbose_name = "来信办理"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .deadlines import reply_deadlines_changed
        from .models import ReplyDeadline

        post_save.connect(reply_deadlines_changed, sender=ReplyDeadline, dispatch_uid="letters.deadline_saved")
        post_delete.connect(reply_deadlines_changed, sender=ReplyDeadline, dispatch_uid="letters.deadline_deleted")
