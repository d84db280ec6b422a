"""The publish guard's part in Wagtail's page moves, and the Chinese permission names after
``migrate``, connected once in ``CoreConfig.ready()``."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_migrate
from wagtail.models import Page
from wagtail.signals import pre_page_move

from .permission_names import name_permissions_in_chinese
from .publishing import check_move
from .signals import connect_for_page_models


def refuse_unreviewed_move(sender, instance: Page, parent_page_before: Page, parent_page_after: Page, **kwargs) -> None:
    # Sent by Wagtail's MovePageAction before it writes: a refusal leaves the tree as it was.
    check_move(instance, parent_page_before, parent_page_after)


def connect() -> None:
    connect_for_page_models(pre_page_move, refuse_unreviewed_move, "core.move")
    # One connection per app with models: each app's post_migrate names what it created.
    for app_config in apps.get_app_configs():
        if app_config.models_module is not None:
            post_migrate.connect(
                name_permissions_in_chinese, sender=app_config, dispatch_uid=f"core.permission_names.{app_config.label}"
            )
