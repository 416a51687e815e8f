"""A missing or stale CSRF token, refused in the user's language: the Chinese "page expired" page
for browsers, the API's JSON error (code ``csrf_failed``) on /api/ paths — instead of Django's
English "CSRF verification failed" page and DRF's "CSRF Failed: …" detail.

Django's check (CSRF_FAILURE_VIEW) covers pages; DRF's API views are exempt from it and check
session-authenticated requests themselves, through ``SessionAuthentication`` below.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from rest_framework import authentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from .errors import is_api_request, problem

CSRF_FAILED = gettext_lazy("页面已过期或安全校验未通过，请刷新后重试。")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from a page that has expired (or from another site)."""
    if is_api_request(request):
        return problem(status=403, code="csrf_failed", detail=str(CSRF_FAILED))
    return render(request, "403_csrf.html", {"message": CSRF_FAILED}, status=403)


class CsrfFailed(PermissionDenied):
    default_detail = CSRF_FAILED
    default_code = "csrf_failed"


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's, refusing a session-authenticated write without a valid CSRF token as the pages do."""

    def enforce_csrf(self, request: Request) -> None:
        try:
            super().enforce_csrf(request)
        except PermissionDenied as exc:
            raise CsrfFailed() from exc
