"""Passwords (等保 2.0 identity authentication): the policy validators configured in
AUTH_PASSWORD_VALIDATORS, one-time passwords, the history and the expiry clock."""

from __future__ import annotations

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.log_actions import log

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
        record_password_change(user, keep=self.history)

    def get_help_text(self) -> str:
        return f"不能使用最近 {self.history} 次用过的密码。"


def generate_password(length: int = 14) -> str:
    """A one-time password that satisfies the policy: every character class present."""
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*-_=+?"]
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def record_password_change(user, *, keep: int = 5) -> None:
    """Remember the new hash (the last ``keep`` are refused), restart the expiry clock and
    audit the change. Django calls this for every saved password change, whatever the entry
    point (修改密码, Wagtail's account settings or user admin, a reset, a shell): the actor is
    the admin request's user (Wagtail's log context), none in a shell."""
    from .models import AccountProfile, PasswordHistory

    log(instance=user, action="accounts.change_password")
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    AccountProfile.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": False}
    )


def password_change_required(user) -> bool:
    """True after a reset, or when the password is older than PASSWORD_EXPIRY_DAYS."""
    from .models import AccountProfile

    profile = AccountProfile.objects.filter(user=user).only("must_change_password", "password_changed_at").first()
    if profile is None:
        return False
    if profile.must_change_password:
        return True
    expiry = settings.PASSWORD_EXPIRY_DAYS
    return bool(expiry and profile.password_changed_at and profile.password_changed_at < days_ago(expiry))


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)
