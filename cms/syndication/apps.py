from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "cms.syndication"
    label = "syndication"
    verbose_name = "推送与下架"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
