"""Resident identity card numbers (GB 11643-1999): check digit, birth date and gender."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from services.crypto import blind_index

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")
_MASKED = re.compile(r"^\d{4}\*{10}[\dX]{4}$")  # mask() of an 18-digit number


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number: str) -> str:
    """'male' or 'female', from the parity of the 17th digit."""
    return "male" if int(number[16]) % 2 else "female"


def is_valid(value: str) -> bool:
    number = normalize(value)
    if not _PATTERN.match(number) or check_digit(number[:17]) != number[17]:
        return False
    try:
        born = birth_date(number)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def mask(value: str) -> str:
    """3701**********1234: region prefix and last four digits only."""
    number = normalize(value)
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)


def is_masked(value: str) -> bool:
    """Whether ``value`` is mask() of an ID number (as a masked export writes it)."""
    return bool(_MASKED.match(normalize(value)))


def tail(value: str) -> str:
    """The last six characters of an ID number as a person types them from their card: full-width
    characters folded, spaces dropped, the check character X upper-cased."""
    folded = unicodedata.normalize("NFKC", value or "")
    return "".join(folded.split()).upper()[-6:]


def tail_index(value: str) -> str:
    """The keyed blind index of the number's last six characters (self-activation asks for
    them): namespaced, so it never equals the index of any other value."""
    return blind_index(f"national_id_tail:{tail(value)}")
