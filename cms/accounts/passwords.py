"""Password policy validators (等保 2.0 identity authentication), configured in AUTH_PASSWORD_VALIDATORS."""

from __future__ import annotations

import string

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c.isdigit()),
    ("特殊字符", lambda c: not c.isalnum()),
)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese (Django 5.2's zh_Hans catalogue lacks the new wording)."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class CharacterClassValidator:
    """At least ``min_classes`` of upper case, lower case, digits and other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = sum(1 for _, test in CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须至少包含大写字母、小写字母、数字、特殊字符中的 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Refuses any of the account's last ``history`` passwords; records each new one."""

    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        previous = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.history]
        if any(check_password(password, encoded) for encoded in previous):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        # Called by User.save() after set_password(): user.password is the new hash.
        if user is None or user.pk is None:
            return
        from .services import record_password_change

        record_password_change(user, keep=self.history)

    def get_help_text(self) -> str:
        return f"不能使用最近 {self.history} 次用过的密码。"
