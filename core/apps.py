from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.conf import settings
        from django.urls import register_converter
        from PIL import Image

        from . import checks, handlers  # noqa: F401  (checks registers the system checks)
        from .exports import neutralise
        from .http import IdConverter
        from .wagtail_internals import neutralise_wagtail_spreadsheets
        from .wagtail_labels import label_wagtail_fields

        register_converter(IdConverter, "id")  # before any URLconf is loaded (loaded on first use)
        neutralise_wagtail_spreadsheets(neutralise)  # no live formula in any admin export
        handlers.connect()
        label_wagtail_fields()

        # Pillow's decompression-bomb guard at our upload limit (core.uploads): a larger image is
        # refused (DecompressionBombError past twice the limit, Wagtail's form check below it).
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
