from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "cms.operations"
    label = "operations"
    verbose_name = "后台任务与定时作业"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
