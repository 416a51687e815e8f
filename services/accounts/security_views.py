"""账号与安全: the signed-in user's own sessions (from the user-to-session index, sessions.py), with
"sign out other sessions", and the ways to the password change, two-step verification and API
tokens. Every user, member or staff, on both sites."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .models import ApiToken, User
from .sessions import live_sessions, sessions_end_others


@login_required
def security_view(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    return render(
        request,
        "accounts/security.html",
        {
            "sessions": live_sessions(user=user),
            "current_key": request.session.session_key,
            "tokens": list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")[:20]),
        },
    )


@login_required
@require_POST
def sessions_end_others_view(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    ended = sessions_end_others(user=user, keep=request.session.session_key, acting_user=user)
    messages.success(request, ngettext("已退出其他 %(n)d 处登录。", "已退出其他 %(n)d 处登录。", ended) % {"n": ended})
    return redirect("accounts:security")
