"""The verified phone number as a second sign-in name: how a typed number is read, and the
keyed hash stored for it (``User.phone_index``, one account per number)."""

from __future__ import annotations

import re
import unicodedata

from services.crypto import blind_index

_MOBILE = re.compile(r"^1\d{10}$")


def normalise(value: str) -> str:
    """A mainland mobile number as typed (full-width digits, spaces, dashes, +86) as its 11
    digits; "" when it is not one."""
    folded = unicodedata.normalize("NFKC", value or "")
    digits = re.sub(r"[\s\-()]", "", folded)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits if _MOBILE.match(digits) else ""


def phone_index(phone: str) -> str:
    """The keyed hash stored in ``User.phone_index`` for ``phone`` (namespaced: never the index
    of any other value); "" for what is not a mobile number."""
    number = normalise(phone)
    return blind_index(f"phone:{number}") if number else ""


def mask(phone: str) -> str:
    """138****1234, as an SMS log or a page may show it."""
    number = normalise(phone) or (phone or "")
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 7 else "****"
