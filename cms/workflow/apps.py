from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "cms.workflow"
    label = "workflow"
    verbose_name = "审核流程"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
