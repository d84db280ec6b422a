from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_info_center_permissions(sender, **kwargs) -> None:
    from .services import ensure_info_center_workflow_permissions

    ensure_info_center_workflow_permissions()


class WorkflowConfig(AppConfig):
    name = "cms.workflow"
    label = "workflow"
    verbose_name = "审核流程"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - rebuild the word matcher when a list changes

        post_migrate.connect(_ensure_info_center_permissions, sender=self)
