"""Form helpers every app's admin views share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from wagtail.admin.widgets import AdminPageChooser


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's refusal on the form fields it names (or on the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def text_refusal(model: type[models.Model], field_name: str, value: str) -> str | None:
    """The Chinese refusal if ``value`` cannot be stored in the model field, else None.

    Longer than the field's ``max_length`` (a TextField's limits only its form field), or
    holding a NUL byte (PostgreSQL refuses it: a DataError). For actions, which are
    reached without forms too (commands, hooks, other actions, views reading POST)."""
    field = model._meta.get_field(field_name)
    if "\x00" in value:
        return f"{field.verbose_name}含有无法保存的控制字符，请删除后重试。"
    if field.max_length is not None and len(value) > field.max_length:
        return f"{field.verbose_name}最多 {field.max_length} 个字，现为 {len(value)} 个字。"
    return None


def query_value(request: HttpRequest, name: str, field: forms.Field, default: Any = None) -> Any:
    """The query parameter ``name`` cleaned by a form field; ``default`` when it is absent or invalid.

    Junk in a link (``?site=abc``, a NUL byte, a number past bigint) falls back to the
    default view instead of reaching the database."""
    field.required = False
    try:
        value = field.clean(request.GET.get(name, ""))
    except ValidationError:
        return default
    return default if value in field.empty_values else value


class PageChooser(AdminPageChooser):
    """Wagtail's page chooser; a redisplayed form whose submitted id is junk shows no page.

    Wagtail's widget looks the submitted value up to show it again and only expects
    DoesNotExist; ``abc`` raised ValueError (a 500). The form field still reports the
    invalid choice."""

    def get_instance(self, value):
        try:
            return super().get_instance(value)
        except (ValueError, TypeError, ValidationError):
            return None
