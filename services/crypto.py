"""Field encryption for sensitive data (national ID, phone, TOTP secrets).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under FIELD_ENCRYPTION_KEYS,
newest key first; older keys still decrypt, so keys rotate without downtime
(`manage.py rotate_field_keys` re-encrypts with the newest). ``blind_index`` gives an HMAC of
a normalized value for exact-match lookups without decrypting.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: no configured key fits (FIELD_ENCRYPTION_KEYS)") from exc


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


def blind_index(value: str) -> str:
    """A keyed hash for equality lookups (FIELD_INDEX_KEY, which encryption-key rotation leaves alone)."""
    return hmac.new(settings.FIELD_INDEX_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores ciphertext, exposes plaintext. Not filterable: use a blind index column."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
