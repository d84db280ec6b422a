from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "cms.content"
    label = "content"
    verbose_name = "内容"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
