from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cms.accounts"
    label = "accounts"
    verbose_name = "账号与安全"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from . import handlers

        handlers.connect(self)

        # Pillow's decompression-bomb guard at our limit: a larger image is refused
        # (DecompressionBombError past twice the limit, Wagtail's form check below it).
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
