"""API-wide pieces: the exception handler that turns a service's Django exceptions into DRF's
(``api_exception``), adds a machine-readable ``code`` to error bodies (whose ``detail`` is in the
user's language) and audits permission denials."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from services.audit.services import audit_permission_denied
from services.kernel.inputs import InvalidInput


class BadParameter(APIException):
    """A query parameter or another input that does not fit (services.kernel.inputs)."""

    status_code = 400
    default_code = "invalid_parameter"


class ThrottledChinese(Throttled):
    default_detail = gettext_lazy("请求过于频繁。")  # type: ignore[assignment]
    extra_detail_singular = extra_detail_plural = gettext_lazy("请 {wait} 秒后再试。")  # type: ignore[assignment]


def _service_code(exc: Exception) -> str | None:
    """The code a service gave its one refusal (``ValidationError(message, code="no_open_month")``),
    kept for the client to act on instead of the generic "invalid"."""
    if not isinstance(exc, DjangoValidationError) or hasattr(exc, "error_dict"):
        return None
    codes = {getattr(error, "code", None) for error in exc.error_list}
    return codes.pop() if len(codes) == 1 and None not in codes else None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    service_code = _service_code(exc)
    exc = api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and isinstance(response.data.get("detail"), list):
        # Errors that are not about one field read as one message, like every other ``detail``.
        response.data["detail"] = " ".join(str(message) for message in response.data["detail"])
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(exc, "default_code", None) or getattr(exc, "code", None)
        if code and "code" not in response.data:
            response.data["code"] = getattr(getattr(exc, "detail", None), "code", code)
        if service_code and response.data.get("code") == "invalid":
            response.data["code"] = service_code
    request = context.get("request")
    if response is not None and response.status_code == 403 and request is not None:
        audit_permission_denied(
            actor=request.user, method=request.method, path=request.path, reason=str(getattr(exc, "detail", exc))
        )
    return response


def api_exception(exc: Exception) -> Exception:
    """What a service raised, as the API error it means: a refusal (403, its message kept) or
    field errors (400, keyed by field, else under ``detail``); anything else unchanged. Views call
    services without translating their exceptions: this handler does it once for all."""
    if isinstance(exc, Http404):
        return NotFound()  # DRF's own conversion keeps Django's English text and loses the code
    if isinstance(exc, DjangoPermissionDenied):
        return PermissionDenied(str(exc) or None)
    if isinstance(exc, Throttled) and not isinstance(exc, ThrottledChinese):
        return ThrottledChinese(wait=getattr(exc, "wait", None))
    if isinstance(exc, InvalidInput):
        return BadParameter(exc.message, code=exc.code)
    if isinstance(exc, BadRequest):
        return BadParameter(str(exc) or None, code="bad_request")
    if isinstance(exc, DjangoValidationError):
        return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return exc
