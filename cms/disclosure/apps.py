from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "cms.disclosure"
    label = "disclosure"
    verbose_name = "政府信息公开"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
