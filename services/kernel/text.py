"""What text the platform accepts: no NUL or other control characters, no lone surrogates.

Single-line text (names, titles, tags, reasons, numbers) accepts no control character at all;
free text (descriptions, notes, opinions) may hold tabs and line breaks. Serializers and forms
attach these validators to their fields, so every way in refuses the same text; the request
hygiene middleware and the JSON parser refuse the worst of it (NUL, invalid UTF-8, lone
surrogates) before any view runs.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls and DEL. Free text keeps tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# Lengths for text that has no column limit of its own (TEXT columns): a page of notes, a
# document's description. Single-line text is bounded by its column.
FREE_TEXT_MAX = 5000
LONG_TEXT_MAX = 20000


def bad_character(value: str, *, free_text: bool = False) -> str | None:
    """The first character ``value`` may not hold, or None."""
    found = (_CONTROL_EXCEPT_LINES if free_text else _CONTROL).search(value) or _SURROGATE.search(value)
    return found.group() if found else None


def describe(character: str) -> str:
    """How a refused character is named in a message: U+0000 and the like."""
    return f"U+{ord(character):04X}"


def single_line(value: str) -> None:
    """Validator: a name, title, tag or reason — one line, no control characters."""
    if isinstance(value, str) and (character := bad_character(value)) is not None:
        raise ValidationError(
            _("不能包含换行或控制字符（%(character)s）。"),
            code="control_character",
            params={"character": describe(character)},
        )


def free_text(value: str) -> None:
    """Validator: a description or note — line breaks and tabs allowed, other control characters not."""
    if isinstance(value, str) and (character := bad_character(value, free_text=True)) is not None:
        raise ValidationError(
            _("不能包含控制字符（%(character)s）。"),
            code="control_character",
            params={"character": describe(character)},
        )
