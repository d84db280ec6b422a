from django.core.exceptions import ValidationError


class LetterError(ValidationError):
    """A letter action refused: its message is Chinese and shown to the user as it is."""
