"""The API's one pagination: ``limit`` (1–MAX_LIMIT, default PAGE_SIZE) and ``offset``
(0–MAX_OFFSET). A value out of range or not a number is a 400 naming the parameter — never
clamped or ignored (``limit=99999999999999999999`` reached PostgreSQL as "bigint out of range")
— and the OpenAPI schema states the bounds."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from services.kernel.inputs import Number

MAX_LIMIT = 200
MAX_OFFSET = 10**9

LIMIT = Number("limit", "返回的条数 / rows to return", minimum=1, maximum=MAX_LIMIT)
OFFSET = Number("offset", "跳过的条数 / rows to skip", minimum=0, maximum=MAX_OFFSET)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        return LIMIT.read(request.query_params, default=self.default_limit)

    def get_offset(self, request: Request) -> int:
        return OFFSET.read(request.query_params, default=0) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": p.name,
                "required": False,
                "in": "query",
                "description": p.description,
                "schema": p.openapi_schema(),
            }
            for p in (LIMIT, OFFSET)
        ]
