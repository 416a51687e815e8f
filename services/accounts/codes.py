"""One-time codes: activation slips and SMS codes.

A code is stored only as a keyed hash (HMAC-SHA256 under FIELD_INDEX_KEY, the blind-index key)
of the user, the kind and the code: fast enough that 20,000 slips hash in well under a second,
and useless without the key. The password hasher is the wrong tool here: it is slow on purpose,
and a slip's code is random and long enough not to need it (10 characters from 32 symbols:
50 bits, with lockout on wrong answers).
"""

from __future__ import annotations

import secrets
import unicodedata

from services.crypto import blind_index

# No 0/O, 1/I/L: a slip is read from paper and typed on a phone.
SHEET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHEET_LENGTH = 10
PHONE_LENGTH = 6


def new_sheet_code() -> str:
    """A slip's code, printed in two groups of five: ``K7M2Q-XW9PD``."""
    raw = "".join(secrets.choice(SHEET_ALPHABET) for _ in range(SHEET_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def new_phone_code() -> str:
    """A six-digit code for an SMS."""
    return f"{secrets.randbelow(10**PHONE_LENGTH):0{PHONE_LENGTH}d}"


def normalise(code: str) -> str:
    """What the person typed, as it was issued: full-width characters folded, spaces and dashes
    dropped, upper case."""
    folded = unicodedata.normalize("NFKC", code or "")
    return "".join(ch for ch in folded.upper() if ch.isalnum())


def code_digest(*, user_id: int, kind: str, code: str) -> str:
    """The keyed hash stored for ``code`` (bound to its user and kind: a code of one person or
    one kind never opens another)."""
    return blind_index(f"activation:{kind}:{user_id}:{normalise(code)}")
