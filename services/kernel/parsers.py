"""The API's request parsers: strict JSON, and DRF's form and multipart parsers with Chinese errors.

The JSON parser refuses, as a 400 ``parse_error`` in Chinese, what Python's ``json`` accepts but
nothing after it can hold: nesting deeper than MAX_DEPTH (5,000 levels was a RecursionError),
numbers that are not finite (``1e999999`` is ``inf``, then an OverflowError) or integers outside
a signed 64-bit column, and strings (keys included) with a NUL, another control character other
than tab and line breaks, or a lone surrogate (``"\\ud800"`` reached the audit log and crashed).
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from .text import bad_character, describe

MAX_DEPTH = 32
MIN_INT, MAX_INT = -(2**63), 2**63 - 1


class _Refused(ValueError):
    pass


def _parse_int(text: str) -> int:
    number = int(text)
    if not MIN_INT <= number <= MAX_INT:
        raise _Refused(_("数字超出允许范围。"))
    return number


def _parse_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _Refused(_("数字超出允许范围。"))
    return number


def _parse_constant(text: str) -> None:
    raise _Refused(_("不支持 %(value)s。") % {"value": text})


def _check(data: Any) -> None:
    """Depth and strings of parsed JSON, without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_string(value)
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise _Refused(_("嵌套层数超过 %(max)s 层。") % {"max": MAX_DEPTH})
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_string(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def _check_string(value: str) -> None:
    if (character := bad_character(value, free_text=True)) is not None:
        raise _Refused(_("字符串含有不允许的字符（%(character)s）。") % {"character": describe(character)})


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise ParseError(_("请求正文过大。"))
        try:
            text = raw.decode("utf-8")
            data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
            _check(data)
        except _Refused as exc:
            raise ParseError(_("请求正文不是有效的 JSON：%(reason)s") % {"reason": exc}) from None
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("请求正文不是有效的 JSON（第 %(line)s 行第 %(column)s 列）。")
                % {"line": exc.lineno, "column": exc.colno}
            ) from None
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ParseError(_("请求正文不是有效的 JSON。")) from None
        return data


class ChineseFormParser(FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError(_("请求正文不是有效的表单数据。")) from None


class ChineseMultiPartParser(MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError(_("请求正文不是有效的 multipart 表单数据。")) from None
