"""Every private Django/Wagtail attribute the cluster relies on, in one place.

Each serves a routing speed-up that Wagtail has no public API for; the test
``tests/core/test_wagtail_internals.py`` fails loudly when an upgrade changes
any of them, naming which. Code elsewhere calls these functions, never the
private names.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from wagtail.models import Page, Site

# The Wagtail release these were checked against (requirements.txt pins it).
CHECKED_WAGTAIL = (8, 0)


def match_site(request: HttpRequest) -> Site | None:
    """Wagtail's own hostname/port/default-site match, without its per-request cache
    (``Site.find_for_request`` would store the result on the request before we could
    substitute the cached one)."""
    return Site._find_for_request(request)


def set_request_site(request: HttpRequest, site: Site | None) -> None:
    """Hand Wagtail the site we resolved (from cache), so ``Site.find_for_request`` asks no query."""
    request._wagtail_site = site


def raw_host(request: HttpRequest) -> str:
    """The Host header as sent, before ALLOWED_HOSTS validation (which raises for unknown hosts)."""
    return request._get_raw_host()


def set_known_parent(page: Page, parent: Page) -> None:
    """Tell treebeard/Wagtail the page's parent we already loaded, as ``Page.route`` does."""
    page._cached_parent_obj = parent


def neutralise_wagtail_spreadsheets(neutralise: Callable[[object], object]) -> None:
    """Every Wagtail spreadsheet export (its reports, listings and ours built on them) passes
    its cells through ``neutralise``: Wagtail forces text only in XLSX, its CSV cells stay raw.
    Wraps the public ``SpreadsheetExportMixin.preprocess_field_value`` once (idempotent)."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "neutralised", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(original(self, field, value, export_format))

    preprocess_field_value.neutralised = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
