"""Authentication, lockout, passwords, TOTP and API tokens.

Lockout (LOCKOUT_THRESHOLD failures lock an account for LOCKOUT_MINUTES) is counted on the
account row, which lives in its institution's schema: one institution's attackers cannot lock
another's users. A per-address throttle (LOGIN_THROTTLE_PER_MINUTE) slows guessing across
accounts. Every outcome is audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.models import Event
from services.audit.services import audit_record, client_ip
from tenants.db import connection

from .models import ApiToken, User


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str = ""
    needs_totp: bool = False


def _throttle_key(request: HttpRequest) -> str:
    return f"login-throttle:{connection.schema_name}:{client_ip(request)}"


def _throttled(request: HttpRequest) -> bool:
    return int(cache.get(_throttle_key(request), 0)) >= settings.LOGIN_THROTTLE_PER_MINUTE


def _count_failure(request: HttpRequest) -> None:
    key = _throttle_key(request)
    if not cache.add(key, 1, timeout=60):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=60)


def login_check(*, request: HttpRequest, username: str, password: str) -> LoginResult:
    """Check credentials with lockout and throttling. Does not log the user in."""
    generic = _("用户名或密码错误。")
    if _throttled(request):
        return LoginResult(None, _("登录尝试过于频繁，请一分钟后再试。"))
    account = User.objects.filter(username=username).first()
    if account is not None and account.is_locked():
        audit_record(
            event=Event.LOGIN_FAILED,
            request=request,
            target=account,
            actor_username=username,
            detail={"reason": "locked"},
        )
        minutes = max(1, int((account.locked_until - timezone.now()).total_seconds() // 60) + 1)  # type: ignore[operator]
        return LoginResult(None, _("账号已被临时锁定，请 %(m)d 分钟后再试或联系管理员。") % {"m": minutes})
    user = authenticate(request, username=username, password=password)
    if user is None:
        _count_failure(request)
        _record_failure(request=request, account=account, username=username)
        return LoginResult(None, generic)
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    return LoginResult(user, needs_totp=bool(user.totp_enabled))


def _record_failure(*, request: HttpRequest, account: User | None, username: str) -> None:
    with transaction.atomic():
        audit_record(
            event=Event.LOGIN_FAILED,
            request=request,
            target=account,
            actor_username=username,
            detail={"reason": "bad_credentials" if account else "unknown_user"},
        )
        if account is None:
            return
        User.objects.filter(pk=account.pk).update(failed_login_count=F("failed_login_count") + 1)
        account.refresh_from_db(fields=["failed_login_count"])
        if account.failed_login_count >= settings.LOCKOUT_THRESHOLD:
            until = timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES)
            User.objects.filter(pk=account.pk).update(locked_until=until, failed_login_count=0)
            audit_record(
                event=Event.LOCKED_OUT,
                request=request,
                target=account,
                actor_username=username,
                detail={"until": until.isoformat()},
            )


def login_succeeded(*, request: HttpRequest, user: User) -> None:
    audit_record(event=Event.LOGIN, actor=user, request=request, target=user)


def password_expired(user: Any) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or not getattr(user, "is_authenticated", False):
        return False
    changed = user.password_changed_at
    return changed is None or changed < timezone.now() - timedelta(days=days)


def password_change(*, user: User, new_password: str, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "password_changed_at"])
        audit_record(event=Event.PASSWORD_CHANGED, actor=user, request=request, target=user)


# --- TOTP (optional second factor, offered to administrators) -------------------------------


def totp_issuer(request: HttpRequest) -> str:
    institution = getattr(request, "institution", None)
    return f"PartyCloud {institution.name}" if institution else "PartyCloud"


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_verify(*, secret: str, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def totp_enable(*, user: User, secret: str, code: str, request: HttpRequest | None = None) -> bool:
    if not totp_verify(secret=secret, code=code):
        return False
    with transaction.atomic():
        user.totp_secret = secret
        user.totp_enabled = True
        user.save(update_fields=["totp_secret", "totp_enabled"])
        audit_record(event=Event.TOTP_ENABLED, actor=user, request=request, target=user)
    return True


def totp_disable(*, user: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        user.totp_secret = ""
        user.totp_enabled = False
        user.save(update_fields=["totp_secret", "totp_enabled"])
        audit_record(event=Event.TOTP_DISABLED, actor=user, request=request, target=user)


# --- API tokens -------------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and only its hash is stored."""
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:11], digest=token_digest(raw))
        audit_record(event=Event.TOKEN_CREATED, actor=user, request=request, target=token)
    return token, raw


def api_token_revoke(*, token: ApiToken, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(event=Event.TOKEN_REVOKED, actor=token.user, request=request, target=token)
