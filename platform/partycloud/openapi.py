"""The OpenAPI schema says what the API really does (drf-spectacular).

- Both ways to authenticate are declared: a bearer token (``Authorization: Bearer pc_…``, what an
  API client uses) and the session cookie (the portal's own pages).
- Every operation lists the error answers it can give, in the API's one error shape
  (``{"detail", "code"}``, partycloud/errors.py): 400 (malformed input, a parameter out of range,
  refused characters — possible on every request — or field errors keyed by field), 401 where a
  sign-in is required, 403 (a refusal, a suspended institution), 404 where the path names an
  object, 429 where a throttle applies.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

JSON = "application/json"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "services.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "POST /api/auth/token/ (username, password) or /api/auth/tokens/ gives a token: "
            "`Authorization: Bearer pc_…`.",
        }


class SessionCookieScheme(SessionScheme):
    """The portal's session cookie, through the authentication class that refuses a stale CSRF token
    in the user's language (partycloud/csrf.py): the same scheme as DRF's own."""

    target_class = "partycloud.csrf.SessionAuthentication"
    priority = 0


class Problem(serializers.Serializer):
    """The API's error body."""

    detail = serializers.CharField(help_text="what went wrong, in the user's language")
    code = serializers.CharField(help_text="machine-readable, e.g. not_found, invalid_parameter, parse_error")


FIELD_ERRORS = {
    "type": "object",
    "description": "field errors: field name → messages (nested for nested fields)",
    "minProperties": 1,
    "additionalProperties": {"oneOf": [build_array_type({}), build_basic_type(OpenApiTypes.OBJECT)]},
}
ITEM_ERRORS = {"description": "errors of a list body, one entry per item", **build_array_type({})}

DESCRIPTIONS = {
    "400": "Bad request: malformed body, a parameter out of range, refused characters, or field errors",
    "401": "Not signed in, or the token is invalid or revoked",
    "403": "Refused (scope, role, suspended institution)",
    "404": "No such object, or not one the caller may see",
    "409": "Conflict with the object's current state",
    "429": "Too many requests",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(code, self._error_response(code))
        for code, response in responses.items():
            # An error a view declares without a body (409, a 404 of a create) has the one shape too.
            if code.startswith("4") and not response.get("content"):
                response["content"] = self._error_response(code)["content"]
        return responses

    def _error_codes(self) -> list[str]:
        # 401 even where anyone may call: bad credentials on the token sign-in, a bad bearer token.
        codes = ["400", "401", "403"]
        if "{" in self.path:
            codes.append("404")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        return codes

    def _error_response(self, code: str) -> dict[str, Any]:
        problem = self.resolve_serializer(Problem, "response").ref
        schema = {"oneOf": [problem, FIELD_ERRORS, ITEM_ERRORS]} if code == "400" else problem
        return {"content": {JSON: {"schema": schema}}, "description": DESCRIPTIONS.get(code, "")}
