"""System checks for rules that must hold for every model, present and future."""

from __future__ import annotations

from django.apps import apps
from django.core import checks

from .publishing import PublishGuardMixin

# Apps whose page models belong to the cluster (Wagtail's own base Page is abstract here).
CLUSTER_APP_PREFIXES = ("cms.", "sites", "search")


@checks.register()
def every_page_model_is_guarded(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from wagtail.models import Page

    errors = []
    for model in apps.get_models():
        if not issubclass(model, Page) or model is Page:
            continue
        if not model._meta.app_config.name.startswith(CLUSTER_APP_PREFIXES):
            continue
        if not issubclass(model, PublishGuardMixin):
            errors.append(
                checks.Error(
                    f"{model.__name__} does not use core.publishing.PublishGuardMixin",
                    hint="Every page model must pass the publish rules on every path.",
                    obj=model,
                    id="core.E001",
                )
            )
    return errors
