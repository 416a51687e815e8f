"""The rotating check-in code of a meeting (pure: no database).

Time is cut into slices of ``ORGLIFE_CHECKIN_SLICE_SECONDS`` (10 s by default). For each slice the
server computes HMAC-SHA256, keyed with the meeting's ``checkin_secret``, over the meeting's id
and the slice's index. The first ten bytes, in base32, are the URL token of the QR code on the
host's screen; four more bytes, modulo a million, are the 6-digit code shown beside it for phones
without a camera. A code is accepted in its own slice and the next one (a code scanned just as the
screen changes still works) and refused after that, so a screenshot forwarded to a group chat is
useless within seconds. The secret never leaves the server; a code names no one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from django.conf import settings

TOKEN_BYTES = 10  # 16 base32 characters
ACCEPTED_SLICES = 2  # the current slice and the one before
# How far back a refused code is recognised as this meeting's expired code (not as a wrong one).
LOOKBACK_SECONDS = 6 * 3600


class Check(Enum):
    VALID = "valid"
    EXPIRED = "expired"  # this meeting's, from a slice outside the window
    WRONG = "wrong"  # not this meeting's code at all (another meeting's, mistyped, forged)


@dataclass(frozen=True)
class Code:
    """What the host's screen shows for one slice."""

    slice_index: int
    token: str
    digits: str
    seconds_left: int


def slice_seconds() -> int:
    return max(1, int(settings.ORGLIFE_CHECKIN_SLICE_SECONDS))


def slice_index(at: datetime) -> int:
    return int(at.timestamp()) // slice_seconds()


def _mac(secret: str, meeting_id: int, index: int) -> bytes:
    return hmac.new(secret.encode("ascii"), f"{meeting_id}:{index}".encode("ascii"), hashlib.sha256).digest()


def token_for(secret: str, meeting_id: int, index: int) -> str:
    """The URL token of slice ``index`` (lower-case base32, no padding)."""
    return base64.b32encode(_mac(secret, meeting_id, index)[:TOKEN_BYTES]).decode("ascii").lower()


def digits_for(secret: str, meeting_id: int, index: int) -> str:
    """The 6-digit code of slice ``index``."""
    mac = _mac(secret, meeting_id, index)
    return f"{int.from_bytes(mac[TOKEN_BYTES : TOKEN_BYTES + 4], 'big') % 1_000_000:06d}"


def current_code(secret: str, meeting_id: int, at: datetime) -> Code:
    index = slice_index(at)
    left = slice_seconds() - int(at.timestamp()) % slice_seconds()
    return Code(
        slice_index=index,
        token=token_for(secret, meeting_id, index),
        digits=digits_for(secret, meeting_id, index),
        seconds_left=left,
    )


def normalize(value: str) -> str:
    """A code as typed or scanned: spaces and dashes dropped, lower case."""
    return "".join(ch for ch in value.strip().lower() if ch not in " -")


def check(secret: str, meeting_id: int, value: str, at: datetime) -> Check:
    """Whether ``value`` (a URL token or a 6-digit code) is this meeting's code at ``at``:
    valid in the window, this meeting's but expired, or wrong."""
    value = normalize(value)
    make = digits_for if value.isdigit() else token_for
    if not value or len(value) > 32:
        return Check.WRONG
    now = slice_index(at)
    for index in range(now, now - ACCEPTED_SLICES, -1):
        if hmac.compare_digest(make(secret, meeting_id, index), value):
            return Check.VALID
    oldest = now - LOOKBACK_SECONDS // slice_seconds()
    for index in range(now - ACCEPTED_SLICES, oldest, -1):
        if make(secret, meeting_id, index) == value:
            return Check.EXPIRED
    return Check.WRONG
