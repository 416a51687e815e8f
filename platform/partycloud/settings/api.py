"""Django REST framework and the OpenAPI schema."""

from __future__ import annotations

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer first: its WWW-Authenticate header makes unauthenticated requests 401, not 403.
        "services.accounts.authentication.BearerTokenAuthentication",
        # DRF's, with its CSRF refusal in the API's error shape (csrf_failed).
        "partycloud.csrf.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Strict JSON and Chinese parse errors (services/kernel/parsers.py); form and multipart for uploads.
    "DEFAULT_PARSER_CLASSES": [
        "services.kernel.parsers.StrictJSONParser",
        "services.kernel.parsers.ChineseFormParser",
        "services.kernel.parsers.ChineseMultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "partycloud.openapi.AutoSchema",
    # limit 1-200, offset 0-10^9; anything else is a 400 (partycloud/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "partycloud.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute"},
    "EXCEPTION_HANDLER": "partycloud.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PartyCloud API",
    "DESCRIPTION": "党建云 API. Institution endpoints are served on `<code>.<base-domain>`, "
    "platform endpoints on the bare base domain.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
