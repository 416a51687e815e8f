"""Sign-in pages: login (with the optional TOTP step), logout, password change, TOTP setup.

The same views serve the console (public schema) and every institution (its own schema):
the routing middleware has already chosen the schema, so a user, a session and a lockout
counter are always those of the host's institution.
"""

from __future__ import annotations

import io
import time
from typing import cast

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from services.accounts import audit_events
from services.audit.services import audit_record

from . import lockout, services
from .forms import LoginForm, PasswordChangeForm, ReauthForm, TotpForm
from .models import User
from .sessions import session_rekey

_PENDING = "pending_totp_user"
_PENDING_SECONDS = 300
# Wrong codes before the pending sign-in is dropped and the password is asked again (each one
# also counts toward the account's lockout).
TOTP_ATTEMPTS = 3


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return "/"


def _device(request: HttpRequest) -> str | None:
    """The value of the browser's known-device cookie (lockout.py), as sent."""
    return request.COOKIES.get(lockout.DEVICE_COOKIE)


def _finish_login(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    services.login_succeeded(user=user, device=_device(request))
    response = redirect(next_url)
    # This browser is now a known device of the account: a guess spread over other addresses
    # does not lock it out (lockout.py).
    response.set_cookie(
        lockout.DEVICE_COOKIE,
        lockout.device_cookie(username=user.username, device=_device(request)),
        max_age=lockout.DEVICE_DAYS * 24 * 3600,
        path="/accounts/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.login_check(
            username=form.cleaned_data["username"], password=form.cleaned_data["password"], device=_device(request)
        )
        if result.user is None:
            form.add_error(None, result.error)
            # Keep the username, put the cursor where the retry happens.
            form.fields["username"].widget.attrs.pop("autofocus", None)
            form.fields["password"].widget.attrs["autofocus"] = True
        elif result.needs_totp:
            request.session[_PENDING] = {"id": result.user.pk, "at": time.time(), "next": _next_url(request)}
            return redirect("accounts:login_totp")
        else:
            return _finish_login(request, result.user, _next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@csrf_protect
@never_cache
def login_totp_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(_PENDING)
    if not pending or time.time() - pending["at"] > _PENDING_SECONDS:
        return _start_over(request, _("验证已超时，请重新登录。"))
    user = User.objects.filter(pk=pending["id"], is_active=True).first()
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and user is not None:
        result = services.totp_check(user=user, code=form.cleaned_data["code"], device=_device(request))
        if result.user is None:  # locked
            return _start_over(request, result.error)
        if not result.error:
            request.session.pop(_PENDING, None)
            return _finish_login(request, user, pending["next"])
        tries = pending.get("tries", 0) + 1
        if tries >= TOTP_ATTEMPTS:
            return _start_over(request, _("验证码错误次数过多，请重新输入密码登录。"))
        request.session[_PENDING] = {**pending, "tries": tries}
        form.add_error("code", result.error)
    return render(request, "accounts/login_totp.html", {"form": form})


def _start_over(request: HttpRequest, message: str) -> HttpResponse:
    """Drop the pending sign-in: the password is asked again."""
    request.session.pop(_PENDING, None)
    messages.error(request, message)
    return redirect("accounts:login")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(event=audit_events.LOGOUT, target=request.user)
    auth_logout(request)
    return redirect("accounts:login")


@sensitive_post_parameters()
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid() and _reauthenticated(request, form):
        services.password_change(user=user, new_password=form.cleaned_data["new_password1"])
        old_key = request.session.session_key
        update_session_auth_hash(request, user)  # a new session key: the index follows
        session_rekey(old_key=old_key, new_key=request.session.session_key)
        messages.success(request, _("密码已修改，原有的 API 令牌已全部撤销。"))
        return redirect("home")
    expired = services.password_expired(request.user)
    return render(request, "accounts/password_change.html", {"form": form, "expired": expired})


def _reauthenticated(request: HttpRequest, form: ReauthForm) -> bool:
    errors = services.reauthenticate(
        user=form.user,
        password=form.cleaned_data["old_password"],
        code=form.cleaned_data.get("code", ""),
        device=_device(request),
    )
    for field, message in errors.items():
        form.add_error("old_password" if field == "password" else field, message)
    return not errors


@login_required
def totp_setup_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    disable_form = ReauthForm(user=user, auto_id="id_disable_%s")
    if request.method == "POST" and request.POST.get("action") == "disable":
        disable_form = ReauthForm(request.POST, user=user, auto_id="id_disable_%s")
        if user.totp_enabled and disable_form.is_valid() and _reauthenticated(request, disable_form):
            services.totp_disable(user=user)
            messages.success(request, _("已停用两步验证。"))
            return redirect("accounts:totp")
        return render(request, "accounts/totp.html", {"disable_form": disable_form, "enabled": user.totp_enabled})
    secret = request.session.get("totp_setup_secret") or services.totp_new_secret()
    request.session["totp_setup_secret"] = secret
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_enable(user=user, secret=secret, code=form.cleaned_data["code"]):
            request.session.pop("totp_setup_secret", None)
            messages.success(request, _("已启用两步验证，下次登录时需输入验证码。"))
            return redirect("accounts:totp")
        form.add_error("code", _("验证码不正确，请确认手机时间准确后重试。"))
    issuer = services.totp_issuer(institution=getattr(request, "institution", None))
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)
    buffer = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return render(
        request,
        "accounts/totp.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": buffer.getvalue().decode(),
            "enabled": user.totp_enabled,
            "disable_form": disable_form,
        },
    )
