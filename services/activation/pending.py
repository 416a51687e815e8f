"""The pending account between the steps of activation and reset, carried by the browser in a
cookie the server encrypted, not in a server-side session: a person who has not signed in has no
session, and making one (an existence check and an insert at step 1, a read and a write at every
step after it) was a fifth of the statements of a step.

The value is encrypted and authenticated (Fernet: AES-128-CBC and HMAC-SHA256) under a key derived
from SECRET_KEY for this purpose and this institution's schema, so the person cannot read it (a
reset asked for an unknown name carries no account, and nothing shows that: the value is padded
to one size) nor change it, another institution's host cannot use it, and it is refused
PENDING_SECONDS after it was made (the token's own timestamp). It is host-only, HttpOnly, Secure
under HTTPS and SameSite=Lax, like the session cookie. Replaying an older value gains nothing: a
code is checked against the account's latest codes with the same lockouts, and the password step
needs a code that has not been used.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from tenants.db import connection

COOKIE = "activation_pending"
PATH = "/accounts/"
PENDING_SECONDS = 15 * 60
PADDED_BYTES = 1024  # above any value: 150 characters typed, 4 bytes each at most, and the rest


def _fernet() -> Fernet:
    key = salted_hmac("partycloud.activation.pending", connection.schema_name, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def read(request: HttpRequest) -> dict[str, Any] | None:
    """The pending state this browser carries for this institution, or None (none, another
    institution's, altered, or older than PENDING_SECONDS)."""
    token = request.COOKIES.get(COOKIE)
    if not token:
        return None
    try:
        value = json.loads(_fernet().decrypt(token.encode(), ttl=PENDING_SECONDS))
    except (InvalidToken, ValueError):
        return None
    return value if isinstance(value, dict) else None


def keep(response: HttpResponse, value: dict[str, Any]) -> None:
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    # Padded to one length (JSON ignores trailing blanks): the cookie's size must not tell an
    # account (``user:<id>``) from a name nobody has (the name as typed, up to 150 characters).
    token = _fernet().encrypt(plain.ljust(PADDED_BYTES)).decode()
    response.set_cookie(
        COOKIE,
        token,
        max_age=PENDING_SECONDS,
        path=PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def drop(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path=PATH, samesite="Lax")
