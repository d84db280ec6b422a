from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "cms.consultations"
    label = "consultations"
    verbose_name = "意见征集"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
