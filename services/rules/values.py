"""Value types of rules: an override must have the standard's type (a number stays a number)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

NUMBER, STRING, BOOL, LIST, OBJECT = "number", "string", "bool", "list", "object"


def value_type(value: Any) -> str:
    if isinstance(value, bool):  # before int: bool is an int in Python
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, list):
        return LIST
    if isinstance(value, dict):
        return OBJECT
    raise ValueError(f"unsupported rule value: {value!r}")


def parse_text(text: str, *, like: Any) -> Any:
    """A value typed in a form, read as the type of ``like`` (the standard's value).
    Raises ValueError when the text is not of that type."""
    text = text.strip()
    kind = value_type(like)
    if kind == NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
        if not number.is_finite():
            raise ValueError(text)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == STRING:
        return text
    if kind == BOOL:
        lowered = text.lower()
        if lowered in {"true", "1", "是", "yes"}:
            return True
        if lowered in {"false", "0", "否", "no"}:
            return False
        raise ValueError(text)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(text) from exc
    if value_type(parsed) != kind:
        raise ValueError(text)
    return parsed
