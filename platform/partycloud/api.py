"""API-wide pieces: the exception handler that adds a machine-readable ``code`` to error bodies
(whose ``detail`` is in the user's language) and audits permission denials, and the one
translation of a service's Django exceptions into DRF's."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from services.audit.services import audit_permission_denied


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(exc, "default_code", None) or getattr(exc, "code", None)
        if code and "code" not in response.data:
            response.data["code"] = getattr(getattr(exc, "detail", None), "code", code)
    request = context.get("request")
    if response is not None and response.status_code == 403 and request is not None:
        audit_permission_denied(request=request._request, reason=str(getattr(exc, "detail", exc)))
    return response


def raise_for_api(exc: Exception) -> NoReturn:
    """Re-raise what a service raised as the API error it means: a refusal (403) or field errors
    (400, keyed by field, else under ``detail``); anything else unchanged."""
    if isinstance(exc, DjangoPermissionDenied):
        raise PermissionDenied(str(exc) or None) from exc
    if isinstance(exc, DjangoValidationError):
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}) from exc
    raise exc
