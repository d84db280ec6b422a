"""Fails loudly when a Django or Wagtail upgrade changes a private name core.wagtail_internals uses."""

from __future__ import annotations

import inspect

import django
import wagtail
from django.http import HttpRequest
from wagtail.models import Page, Site

from core import wagtail_internals


def test_checked_against_this_wagtail():
    assert wagtail.VERSION[:2] == wagtail_internals.CHECKED_WAGTAIL, (
        "Wagtail was upgraded: re-check every function in core/wagtail_internals.py against its source, "
        "then update CHECKED_WAGTAIL."
    )


def test_site_matching_is_still_private_and_cached_where_we_set_it():
    assert callable(getattr(Site, "_find_for_request", None)), "Site._find_for_request is gone"
    source = inspect.getsource(Site.find_for_request)
    assert "_wagtail_site" in source, "Site.find_for_request no longer caches on request._wagtail_site"


def test_raw_host_exists():
    assert callable(getattr(HttpRequest, "_get_raw_host", None)), (
        f"HttpRequest._get_raw_host is gone in Django {django.get_version()}"
    )


def test_parent_cache_attribute_is_still_read():
    source = inspect.getsource(inspect.getmodule(Page.route))
    assert "_cached_parent_obj" in source, "Wagtail's Page no longer uses _cached_parent_obj"


def test_every_spreadsheet_cell_still_passes_preprocess_field_value():
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    assert getattr(SpreadsheetExportMixin.preprocess_field_value, "neutralised", False), "wrapper not installed"
    for writer in ("write_csv_row", "generate_xlsx_row"):
        assert "preprocess_field_value" in inspect.getsource(getattr(SpreadsheetExportMixin, writer)), (
            f"SpreadsheetExportMixin.{writer} no longer calls preprocess_field_value: exports could carry formulas"
        )


def test_the_explorer_title_cell_we_override_is_still_wagtails_shape():
    """cms/content/templates/wagtailadmin/pages/listing/_page_title_explore.html is Wagtail 8.0's with
    one branch added: an upgrade that changes the original must be merged into the copy."""
    import difflib
    from pathlib import Path

    name = "wagtailadmin/pages/listing/_page_title_explore.html"
    original = (Path(wagtail.__file__).parent / "admin" / "templates" / name).read_text(encoding="utf-8")
    copy = (Path(__file__).resolve().parents[2] / "cms" / "content" / "templates" / name).read_text(encoding="utf-8")
    removed = [
        line[1:].strip() for line in difflib.ndiff(original.splitlines(), copy.splitlines()) if line.startswith("- ")
    ]
    assert removed == [
        "{% load i18n l10n wagtailadmin_tags %}",
        "{# The title field for a page in the page listing, when in 'explore' mode #}",
        "{% if page_perms.can_edit %}",
    ]
