from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from . import checks, handlers  # noqa: F401  (checks registers the system checks)

        handlers.connect()

        # Pillow's decompression-bomb guard at our upload limit (core.uploads): a larger image is
        # refused (DecompressionBombError past twice the limit, Wagtail's form check below it).
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
