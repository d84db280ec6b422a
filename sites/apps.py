from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = "站群"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
