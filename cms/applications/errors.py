from django.core.exceptions import ValidationError


class ApplicationError(ValidationError):
    """An application step refused: its message is Chinese and shown to the user as it is."""
