"""Personal data at rest: encrypted columns, keyed look-up digests and masking.

Citizens' names, phones, e-mail addresses and identity numbers (letters,
consultation comments, applications) are stored encrypted with Fernet
(AES-128-CBC + HMAC-SHA256, from ``cryptography``): a database dump, a backup or a
read-only SQL account shows ciphertext. Only code that loads the model — the
handling unit's and the info center's admin views — sees the text.

A value that must be *found* (a phone's last four digits checked at the status
look-up, a phone counted by the rate limit) is stored as a keyed digest
(``blind_index``) beside it, never in clear.

The key is ``PERSONAL_DATA_KEY`` (any string; production reads it from the
environment), falling back to ``SECRET_KEY``. ``PERSONAL_DATA_OLD_KEYS`` lists keys
still accepted for reading while data is re-encrypted after a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _derive(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def _primary_secret() -> str:
    return getattr(settings, "PERSONAL_DATA_KEY", "") or settings.SECRET_KEY


@cache
def _fernet(primary: str, old: tuple[str, ...]) -> MultiFernet:
    keys = [Fernet(base64.urlsafe_b64encode(_derive(secret, "personal-data-encryption"))) for secret in (primary, *old)]
    return MultiFernet(keys)


def fernet() -> MultiFernet:
    """The cipher for the current settings (cached per key set, so tests may override the key)."""
    return _fernet(_primary_secret(), tuple(getattr(settings, "PERSONAL_DATA_OLD_KEYS", ())))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise ValueError("个人信息无法解密：密钥不符（PERSONAL_DATA_KEY）。") from exc


def blind_index(value: str, purpose: str) -> str:
    """A keyed digest of ``value`` for look-ups and counting, never reversible without the key.

    ``purpose`` separates uses (the same phone gives different digests for the
    status look-up and for the rate limit)."""
    key = _derive(_primary_secret(), "personal-data-index")
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def digests_match(digest: str, value: str, purpose: str) -> bool:
    """Constant-time ``blind_index(value, purpose) == digest``."""
    return hmac.compare_digest(digest, blind_index(value, purpose))


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python sees the plain text. ``""`` stays ``""``.

    Encrypted values cannot be filtered, ordered or searched by the database: that
    is the point. Keep a ``blind_index`` beside a value that must be looked up."""

    description = "加密存储的文本"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)


def mask_name(name: str) -> str:
    """张三丰 → 张**, Smith → S**: the first character only, never the length."""
    name = (name or "").strip()
    return f"{name[0]}**" if name else "匿名"
