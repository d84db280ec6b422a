from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _ensure_info_center_group(sender, **kwargs) -> None:
    from django.contrib.auth.management import create_permissions

    from .services import ensure_info_center_group

    # post_migrate reaches this app before later apps have their permissions;
    # create them all first (idempotent), then the group.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    ensure_info_center_group()


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = "站群"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
        post_migrate.connect(_ensure_info_center_group, sender=self)
