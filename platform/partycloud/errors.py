"""Error responses outside DRF's own handling: one shape for every API error, one page per status.

API clients get the same JSON body from every layer — DRF's exception handler
(``partycloud.api``), these handlers, and middleware that refuses a request before it reaches a
view: ``{"detail": "<message in the user's language>", "code": "<machine-readable code>"}``.
Browsers get a Chinese page (``templates/<status>.html``).
"""

from __future__ import annotations

import sys

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from services.audit.services import audit_permission_denied

from . import outages

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    """Whether the answer should be JSON: every path under /api/ (the schema and docs included)."""
    return request.path.startswith(API_PREFIX)


def problem(*, status: int, code: str, detail: str) -> JsonResponse:
    """The API's error body; ``detail`` is already in the user's language."""
    return JsonResponse({"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request refused as malformed; a ``BadRequest`` carries the message to show (a query
    parameter that does not fit names itself, see services.kernel.inputs)."""
    detail = str(exception) if isinstance(exception, BadRequest) else ""
    if is_api_request(request):
        return problem(
            status=400, code=getattr(exception, "code", "bad_request"), detail=detail or _("请求格式不正确。")
        )
    if detail:
        return HttpResponseBadRequest(loader.get_template("400.html").render({"detail": detail}))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 answer, after auditing the refusal."""
    audit_permission_denied(
        actor=getattr(request, "user", None), method=request.method or "", path=request.path, reason=str(exception)
    )
    if is_api_request(request):
        return problem(status=403, code="permission_denied", detail=str(exception) or _("您没有执行该操作的权限。"))
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return problem(status=404, code="not_found", detail=_("未找到。"))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    failure = sys.exc_info()[1]  # Django calls this handler while handling the exception
    if outages.is_database_unavailable(failure):
        return outages.database_unavailable(request, failure)  # type: ignore[arg-type]
    if is_api_request(request):
        return problem(status=500, code="server_error", detail=_("服务器出错了，请稍后重试。"))
    return defaults.server_error(request)
