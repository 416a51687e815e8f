"""Request hygiene: what no view should ever see is refused before any view runs.

A NUL or another control character, a lone surrogate or invalid UTF-8 in the path, in the query
string or in a form-encoded body is a 400: JSON ``{"detail", "code"}`` on API paths, the Chinese
400 page elsewhere. Free text in a form body may hold tabs and line breaks; nothing else may.
(Django would decode invalid UTF-8 into U+FFFD and save "��" over a name; PostgreSQL refuses a
NUL with an exception, which was a 500.) JSON bodies are checked by the API's JSON parser
(``services.kernel.parsers``), multipart text fields by each field's validators.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from services.kernel.text import bad_character, describe

from . import errors

FORM = "application/x-www-form-urlencoded"


class RequestHygieneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = _path_problem(request) or _query_problem(request) or _form_problem(request)
        if problem is not None:
            return _refuse(request, problem)
        return self.get_response(request)


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    if errors.is_api_request(request):
        return errors.problem(status=400, code="invalid_characters", detail=message)
    return errors.bad_request(request, BadRequest(message))


def _path_problem(request: HttpRequest) -> str | None:
    # PATH_INFO holds the raw bytes as latin-1 (PEP 3333); Django re-escapes what is not UTF-8.
    raw = request.META.get("PATH_INFO", "")
    try:
        path = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return _("请求地址不是有效的 UTF-8 编码。")
    if (character := bad_character(path)) is not None:
        return _("请求地址含有不允许的字符（%(character)s）。") % {"character": describe(character)}
    return None


def _query_problem(request: HttpRequest) -> str | None:
    query = request.META.get("QUERY_STRING", "")
    try:
        raw = query.encode("latin-1")  # raw bytes as latin-1 (PEP 3333)
    except UnicodeEncodeError:
        raw = query.encode("utf-8")
    return _encoded_problem(raw, free_text=False, where=_("查询参数"))


def _form_problem(request: HttpRequest) -> str | None:
    if request.method in ("GET", "HEAD", "OPTIONS") or request.content_type != FORM:
        return None
    return _encoded_problem(request.body, free_text=True, where=_("表单字段"))


def _encoded_problem(encoded: bytes, *, free_text: bool, where: str) -> str | None:
    """What is wrong with a percent-encoded ``a=b&c=d`` string, or None."""
    if not encoded:
        return None
    try:
        pairs = [
            (unquote_to_bytes(name.replace(b"+", b" ")).decode(), unquote_to_bytes(value.replace(b"+", b" ")).decode())
            for name, _sep, value in (field.partition(b"=") for field in encoded.split(b"&") if field)
        ]
    except UnicodeDecodeError:
        return _("%(where)s不是有效的 UTF-8 编码。") % {"where": where}
    for name, value in pairs:
        character = bad_character(name) or bad_character(value, free_text=free_text)
        if character is not None:
            return _("%(where)s %(name)s 含有不允许的字符（%(character)s）。") % {
                "where": where,
                "name": name if bad_character(name) is None else "?",
                "character": describe(character),
            }
    return None
