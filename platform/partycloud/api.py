"""API-wide pieces: the exception handler that keeps error bodies in the user's language."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(exc, "default_code", None) or getattr(exc, "code", None)
        if code and "code" not in response.data:
            response.data["code"] = getattr(getattr(exc, "detail", None), "code", code)
    return response
