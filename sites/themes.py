"""The themes the cluster ships: one folder each under ``themes/``."""

from functools import cache

from django.conf import settings

DEFAULT_THEME = "base"


@cache
def available_themes() -> tuple[str, ...]:
    root = settings.BASE_DIR / "themes"
    return tuple(sorted(p.name for p in root.iterdir() if (p / "templates").is_dir()))
