"""Themes: one folder each under ``themes/``; a site's theme overrides only what it changes.

Every template is looked up first in ``themes/<site's theme>/templates`` and then
in ``themes/base/templates``, per request — pages, includes and error pages alike.
The request's theme travels in a context variable set by SiteStatusMiddleware,
so Django's template machinery needs no request to find it.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loaders import cached, filesystem

DEFAULT_THEME = "base"
# What the admin shows for each theme folder; a folder without a label shows its name.
THEME_LABELS: dict[str, str] = {"base": "标准主题", "township": "乡镇主题"}
current_theme: ContextVar[str] = ContextVar("current_theme", default=DEFAULT_THEME)


@cache
def available_themes() -> tuple[str, ...]:
    root = settings.BASE_DIR / "themes"
    return tuple(sorted(p.name for p in root.iterdir() if (p / "templates").is_dir()))


def theme_choices() -> list[tuple[str, str]]:
    """(folder, Chinese label) for every theme, for the admin's theme field."""
    return [(name, THEME_LABELS.get(name, name)) for name in available_themes()]


def theme_template_dirs(theme: str) -> list[Path]:
    """The theme's templates, then the shared base ones."""
    root = settings.BASE_DIR / "themes"
    names = [theme, DEFAULT_THEME] if theme != DEFAULT_THEME and theme in available_themes() else [DEFAULT_THEME]
    return [root / name / "templates" for name in names]


class ThemeLoader(filesystem.Loader):
    """Looks in the current request's theme before the base theme."""

    def get_dirs(self):
        return theme_template_dirs(current_theme.get())


class CachedThemeLoader(cached.Loader):
    """Django's cached loader, with the theme in the cache key so themes never mix."""

    def cache_key(self, template_name, skip=None):
        return f"{current_theme.get()}:{super().cache_key(template_name, skip)}"
