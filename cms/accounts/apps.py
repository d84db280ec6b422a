from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_info_center_roles(sender, **kwargs) -> None:
    from .roles import ensure_info_center_roles

    # After every migrate: the permissions of every app exist only then, and the page
    # and media grants need the page tree and the root collection.
    ensure_info_center_roles()


class AccountsConfig(AppConfig):
    name = "cms.accounts"
    label = "accounts"
    verbose_name = "账号与安全"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from . import signals  # noqa: F401

        # Pillow's decompression-bomb guard at our limit: a larger image is refused
        # (DecompressionBombError past twice the limit, Wagtail's form check below it).
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
        post_migrate.connect(_ensure_info_center_roles, sender=self)
