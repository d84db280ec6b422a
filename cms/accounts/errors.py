"""The one error every account action raises when it refuses."""

from django.core.exceptions import ValidationError


class AccountError(ValidationError):
    """An account action was refused; the message says why, in Chinese."""
