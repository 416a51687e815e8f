"""Query parameters, declared once: how a view reads them and how the OpenAPI schema describes them.

A view declares its parameters (``Id("branch", …)``, ``Text("q", …)``, ``Choice("status", …)``,
``Day("on", …)``, ``Page()``), reads each with ``.read(request.GET)`` and lists them in
``extend_schema(parameters=[p.openapi() for p in …])``, so the schema says what the view reads.
A value that does not fit is an ``InvalidInput``: a 400 naming the parameter, in Chinese (the API
answers ``{"detail", "code"}``, a page shows the 400 page with the message).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

from .text import bad_character, describe

# Ids are PostgreSQL bigints.
MAX_ID = 2**63 - 1
# Dates a filter or a decision date may name: anything outside is a typing error, and some
# (year 9999 plus a day) overflow the database's date arithmetic.
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2199, 12, 31)
# Page numbers of the views that page by number (50 or fewer rows a page).
MAX_PAGE = 10000
# What the schema says of a date: years 1900-2199 (MIN_DAY, MAX_DAY).
SUPPORTED_DAY_PATTERN = "^(19[0-9]{2}|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}$"
# What the schema says of free text in a query: no control characters (see text.py).
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f\\u007f]*$"


class InvalidInput(BadRequest):
    """A query parameter (or another request input) that does not fit; ``param`` names it."""

    code = "invalid_parameter"

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass(frozen=True)
class Parameter:
    """``allow_empty``: whether ``?name=`` means "not given" (what an HTML form sends for an
    empty field: pages allow it) or is a value that does not fit (the API: as its schema says)."""

    name: str
    description: str = ""
    allow_empty: bool = False

    def raw(self, params: Mapping[str, Any]) -> str:
        value = params.get(self.name, "")
        value = value.strip() if isinstance(value, str) else ""
        if not value and self.name in params and not self.allow_empty:
            raise InvalidInput(self.name, _("参数 %(name)s 不能为空。") % {"name": self.name})
        return value

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string"}

    def openapi(self) -> Any:
        from drf_spectacular.utils import OpenApiParameter

        return OpenApiParameter(self.name, self.openapi_schema(), description=self.description)


@dataclass(frozen=True)
class Id(Parameter):
    """A positive integer id (ASCII digits only: ``"²".isdigit()`` is true, ``int("²")`` fails)."""

    def read(self, params: Mapping[str, Any]) -> int | None:
        value = self.raw(params)
        if not value:
            return None
        number = ascii_int(value)
        if number is None or not 1 <= number <= MAX_ID:
            raise InvalidInput(self.name, _("参数 %(name)s 必须是正整数编号。") % {"name": self.name})
        return number

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


@dataclass(frozen=True)
class Text(Parameter):
    """Words to look for: at most ``max_length`` characters, no control characters (empty: none)."""

    allow_empty: bool = True
    max_length: int = 100

    def read(self, params: Mapping[str, Any]) -> str:
        value = self.raw(params)
        if len(value) > self.max_length:
            raise InvalidInput(
                self.name,
                _("参数 %(name)s 不能超过 %(max)s 个字符。") % {"name": self.name, "max": self.max_length},
            )
        if (character := bad_character(value)) is not None:
            raise InvalidInput(
                self.name,
                _("参数 %(name)s 含有不允许的字符（%(character)s）。")
                % {"name": self.name, "character": describe(character)},
            )
        return value

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length, "pattern": NO_CONTROL_CHARACTERS}


@dataclass(frozen=True)
class Choice(Parameter):
    """One of ``choices`` (or empty: no filter, or ``default``)."""

    choices: tuple[str, ...] = ()
    default: str = ""

    def read(self, params: Mapping[str, Any]) -> str:
        value = self.raw(params)
        if not value:
            return self.default
        if value not in self.choices:
            raise InvalidInput(
                self.name,
                _("参数 %(name)s 只能是以下之一：%(choices)s。")
                % {"name": self.name, "choices": "、".join(self.choices)},
            )
        return value

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


def choice(
    name: str, choices: Iterable[str], description: str = "", default: str = "", *, allow_empty: bool = False
) -> Choice:
    return Choice(name, description, allow_empty, tuple(c for c in choices if c), default)


@dataclass(frozen=True)
class Day(Parameter):
    """A date, YYYY-MM-DD, between MIN_DAY and MAX_DAY."""

    def read(self, params: Mapping[str, Any]) -> date | None:
        value = self.raw(params)
        if not value:
            return None
        try:
            day = date.fromisoformat(value) if len(value) == 10 and value.isascii() else None
        except ValueError:
            day = None
        return day_in_range(day, name=self.name)

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": SUPPORTED_DAY_PATTERN}


def supported_day(value: date) -> None:
    """Form and serializer validator: a date the platform works with (MIN_DAY … MAX_DAY)."""
    from django.core.exceptions import ValidationError

    if isinstance(value, date) and not MIN_DAY <= value <= MAX_DAY:
        raise ValidationError(
            _("日期必须在 %(min)s 至 %(max)s 之间。") % {"min": MIN_DAY.isoformat(), "max": MAX_DAY.isoformat()},
            code="date_out_of_range",
        )


def day_in_range(day: date | None, *, name: str) -> date:
    """``day`` if it is a date the platform works with, else an InvalidInput naming ``name``."""
    if day is None or not MIN_DAY <= day <= MAX_DAY:
        raise InvalidInput(
            name,
            _("参数 %(name)s 必须是 %(min)s 至 %(max)s 之间的日期（YYYY-MM-DD）。")
            % {"name": name, "min": MIN_DAY.isoformat(), "max": MAX_DAY.isoformat()},
        )
    return day


@dataclass(frozen=True)
class Number(Parameter):
    """A whole number between ``minimum`` and ``maximum`` (a page number, a count)."""

    minimum: int = 1
    maximum: int = MAX_PAGE

    def read(self, params: Mapping[str, Any], default: int | None = None) -> int | None:
        value = self.raw(params)
        if not value:
            return default
        number = ascii_int(value)
        if number is None or not self.minimum <= number <= self.maximum:
            raise InvalidInput(
                self.name,
                _("参数 %(name)s 必须是 %(min)s 至 %(max)s 之间的整数。")
                % {"name": self.name, "min": self.minimum, "max": self.maximum},
            )
        return number

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


def Page(description: str = "") -> Number:
    return Number("page", description or "1, 2, …", minimum=1, maximum=MAX_PAGE)


def posted_id(value: str | None) -> int:
    """A form's id field as a primary key to look up: the id, or 0 (no row has it, so the lookup
    answers 404) when it is empty or not an id at all — never an error of the database."""
    number = ascii_int((value or "").strip())
    return number if number is not None and 1 <= number <= MAX_ID else 0


def report_year(value: str | None, default: int) -> int:
    """A year a page is about (``?year=``, 2000–2100), or ``default`` when it is missing or not one."""
    year = ascii_int((value or "").strip())
    return year if year is not None and 2000 <= year <= 2100 else default


def ascii_int(value: str) -> int | None:
    """ASCII digits of at most 19 characters (fits a bigint), else None. ``str.isdigit`` is no
    test: it accepts "²", which ``int`` refuses."""
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    return int(value)
