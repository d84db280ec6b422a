"""The error every syndication action raises when it refuses (permission errors are ``PermissionDenied``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class SyndicationError(ValidationError):
    """A push, decision, takedown or restore was refused; the message says why (in Chinese)."""
