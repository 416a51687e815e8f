"""Send a user whose password is older than PASSWORD_MAX_AGE_DAYS (MLPS profile) to the
password change page before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .services import password_expired


class PasswordExpiryMiddleware:
    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if password_expired(getattr(request, "user", None)) and not request.path.startswith(self.EXEMPT_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("密码已过期，请先修改密码。"), "code": "password_expired"}, status=403)
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
