from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = "站群"

    def ready(self) -> None:
        from . import appearance, cache_invalidation  # noqa: F401 - register their signal handlers
