"""Authentication, lockout, passwords, TOTP and API tokens.

Lockout is counted per account and client, and per account from unknown clients
(lockout.py); a per-address throttle (LOGIN_THROTTLE_PER_MINUTE) slows guessing across
accounts. A username nobody has goes through the same steps, the same password hashing and the
same counters as a real one, so no answer tells them apart. Wrong two-step codes and wrong
current passwords (asked again before turning two-step verification off or changing the
password) count like wrong passwords. Every outcome is audited.
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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accounts import audit_events
from services.audit.services import audit_record
from services.kernel.actions import current_action
from tenants.db import connection

from . import lockout, phones
from .models import ApiToken, User


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str = ""
    needs_totp: bool = False


def _client_ip() -> str | None:
    """The signing-in client's address: the action's (services/kernel/actions.py)."""
    action = current_action()
    return action.ip if action is not None else None


def _throttle_key() -> str:
    return f"login-throttle:{connection.schema_name}:{_client_ip()}"


def _throttled() -> bool:
    return int(cache.get(_throttle_key(), 0)) >= settings.LOGIN_THROTTLE_PER_MINUTE


def _count_failure() -> None:
    key = _throttle_key()
    if not cache.add(key, 1, timeout=60):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=60)


def _locked_message(minutes: int) -> str:
    return _("账号已被临时锁定，请 %(m)d 分钟后再试或联系管理员。") % {"m": minutes}


def _refused_while_locked(*, username: str, device: str | None) -> str:
    """The lockout message when this client may not try this account now, else ""."""
    minutes = lockout.locked_minutes(username=username, ip=_client_ip(), device=device)
    if not minutes:
        return ""
    audit_record(
        event=audit_events.LOGIN_FAILED,
        target=User.objects.filter(username=username).first(),
        actor_username=username,
        detail={"reason": "locked"},
    )
    return _locked_message(minutes)


def sign_in_name(typed: str) -> str:
    """The username ``typed`` stands for: itself, or the username of the account whose verified
    phone number it is (phones.py). A username wins over a phone number that looks the same.
    Anything shaped like a mobile number costs one indexed query, whether or not it is anyone's."""
    index = phones.phone_index(typed)
    if not index:
        return typed
    names = list(User.objects.filter(Q(username=typed) | Q(phone_index=index)).values_list("username", flat=True)[:2])
    if typed in names or not names:
        return typed
    return names[0]


def login_check(*, username: str, password: str, device: str | None) -> LoginResult:
    """Check credentials with lockout and throttling. Does not log the user in. The client is the
    action's address and ``device``, the value of the browser's ``lockout.DEVICE_COOKIE`` (None
    without one). ``username`` may be the account's verified phone number (``sign_in_name``):
    the lockout then counts against the account it names."""
    username = sign_in_name(username)
    if _throttled():
        return LoginResult(None, _("登录尝试过于频繁，请一分钟后再试。"))
    refusal = _refused_while_locked(username=username, device=device)
    if refusal:
        return LoginResult(None, refusal)
    # ModelBackend hashes the password for unknown usernames too: the same work either way.
    user = authenticate(None, username=username, password=password)
    if user is None:
        _record_failure(username=username, reason="bad_credentials", device=device)
        return LoginResult(None, _("用户名或密码错误。"))
    return LoginResult(user, needs_totp=bool(user.totp_enabled))


def _record_failure(*, username: str, reason: str, device: str | None) -> None:
    _count_failure()
    account = User.objects.filter(username=username).first()
    with transaction.atomic():
        audit_record(
            event=audit_events.LOGIN_FAILED,
            target=account,
            actor_username=username,
            detail={"reason": reason if account else "unknown_user"},
        )
        for scope, until in lockout.record_failure(username=username, ip=_client_ip(), device=device).items():
            audit_record(
                event=audit_events.LOCKED_OUT,
                target=account,
                actor_username=username,
                detail={"scope": scope, "until": until},
            )


def login_succeeded(*, user: User, device: str | None) -> None:
    """A full sign-in (password, and the code when two-step verification is on)."""
    lockout.record_success(username=user.username, ip=_client_ip(), device=device)
    audit_record(event=audit_events.LOGIN, actor=user, target=user)


def totp_check(*, user: User, code: str, device: str | None) -> LoginResult:
    """The sign-in's second step. A wrong code counts toward the account's lockout like a wrong
    password; a locked client cannot finish (``user`` is None then: start over)."""
    refusal = _refused_while_locked(username=user.username, device=device)
    if refusal:
        return LoginResult(None, refusal)
    if totp_verify(secret=user.totp_secret, code=code):
        return LoginResult(user)
    _record_failure(username=user.username, reason="bad_totp", device=device)
    return LoginResult(user, _("验证码不正确或已过期。"), needs_totp=True)


def reauthenticate(*, user: User, password: str, device: str | None, code: str = "") -> dict[str, str]:
    """Ask a signed-in user to prove it is them before a sensitive change: the current password,
    and the current code when two-step verification is on. Returns errors by field ({} when
    fine). Wrong answers count toward the lockout, so a left-open session is no guessing oracle."""
    refusal = _refused_while_locked(username=user.username, device=device)
    if refusal:
        return {"password": refusal}
    errors = {}
    if not user.check_password(password):
        errors["password"] = _("当前密码不正确。")
    elif user.totp_enabled and not totp_verify(secret=user.totp_secret, code=code):
        errors["code"] = _("验证码不正确或已过期。")
    if errors:
        _record_failure(username=user.username, reason="bad_reauthentication", device=device)
    return errors


def password_expired(user: Any) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or not getattr(user, "is_authenticated", False):
        return False
    changed = user.password_changed_at
    return changed is None or changed < timezone.now() - timedelta(days=days)


def password_change(*, user: User, new_password: str) -> None:
    """Set a new password. Every API token of the user is revoked with it (the sessions end by
    Django's session hash): whoever held the old password may have made them."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "password_changed_at"])
        audit_record(event=audit_events.PASSWORD_CHANGED, actor=user, target=user)
        tokens_revoke(user=user, actor=user, reason="password_changed")


# --- TOTP (optional second factor, offered to administrators) -------------------------------


def totp_issuer(*, institution: Any) -> str:
    """The issuer an authenticator app shows: the institution's name (None: the console)."""
    return f"PartyCloud {institution.name}" if institution else "PartyCloud"


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_verify(*, secret: str, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def totp_enable(*, user: User, secret: str, code: str) -> bool:
    if not totp_verify(secret=secret, code=code):
        return False
    with transaction.atomic():
        user.totp_secret = secret
        user.totp_enabled = True
        user.save(update_fields=["totp_secret", "totp_enabled"])
        audit_record(event=audit_events.TOTP_ENABLED, actor=user, target=user)
    return True


def totp_disable(*, user: User) -> None:
    with transaction.atomic():
        user.totp_secret = ""
        user.totp_enabled = False
        user.save(update_fields=["totp_secret", "totp_enabled"])
        audit_record(event=audit_events.TOTP_DISABLED, actor=user, target=user)


# --- API tokens -------------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and only its hash is stored."""
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:11], digest=token_digest(raw))
        audit_record(event=audit_events.TOKEN_CREATED, actor=user, target=token)
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    with transaction.atomic():
        _token_revoke(token=token, actor=token.user, reason="revoked")


def tokens_revoke(*, user: User, actor: Any, reason: str) -> int:
    """Revoke every live API token of ``user`` (each revocation audited with ``reason``), inside
    the caller's transaction; returns how many."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        _token_revoke(token=token, actor=actor, reason=reason)
    return len(tokens)


def _token_revoke(*, token: ApiToken, actor: Any, reason: str) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(event=audit_events.TOKEN_REVOKED, actor=actor, target=token, detail={"reason": reason})
