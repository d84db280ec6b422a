from django.core.exceptions import ValidationError


class NoticeError(ValidationError):
    """A notice or template refused: its message is Chinese and shown to the user as it is."""
