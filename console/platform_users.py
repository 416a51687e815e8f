"""Console accounts: the platform's operators and the municipal committee's users, who live in the
public schema (services/accounts/models.py, ``platform_role``). Operators create, disable, enable
and delete them; each write is one audited transaction in the public schema.

A new account gets no password: the operator is shown, once, a link with which its owner sets one
(``SetPasswordLink``; a signed token that dies when the password changes, after
PASSWORD_RESET_TIMEOUT, or when the account is disabled). Nobody but the owner ever knows the
password. Disabling or deleting an account ends its sessions and revokes its API tokens in the
same transaction. An operator can neither disable nor delete their own account, nor the last
active operator's: the console would have nobody left to run it.

Deleting is a real delete (docs/console.md "Console accounts"): the audit log keeps who did what by
username, the account's tokens go with it, and the user's delete follows only the public schema's
relations (tenants/deletion.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from console import audit_events
from services.accounts.models import User
from services.accounts.revocation import access_revoke
from services.audit.services import audit_record
from services.kernel.text import single_line

ROLES = (User.PlatformRole.OPERATOR, User.PlatformRole.COMMITTEE)
OPERATOR = User.PlatformRole.OPERATOR


class _LinkTokens(PasswordResetTokenGenerator):
    # Its own salt: a token made for another purpose never opens this link.
    key_salt = "console.platform_users.SetPasswordLink"


link_tokens = _LinkTokens()


@dataclass(frozen=True)
class SetPasswordLink:
    """The two parts of a set-password link (console:platform_user_set_password)."""

    uid: str
    token: str


def can_manage_platform_users(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "platform_role", "") == OPERATOR
    )


def _require_operator(acting_user: Any) -> None:
    """``acting_user`` None is a command run on the server (platform_user_create)."""
    if acting_user is not None and not can_manage_platform_users(acting_user):
        raise PermissionDenied(_("只有平台运维人员可以管理平台账号。"))


def _link_for(user: User) -> SetPasswordLink:
    return SetPasswordLink(uid=urlsafe_base64_encode(force_bytes(user.pk)), token=link_tokens.make_token(user))


def _snapshot(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.platform_role, "display_name": user.display_name}


# --- create -------------------------------------------------------------------------------------


def _checked_new_user(*, username: str, role: str, display_name: str) -> User:
    username = username.strip()
    display_name = display_name.strip()
    if role not in ROLES:
        raise ValidationError({"role": _("请选择平台运维或市教育工委。")})
    errors: dict[str, list[str]] = {}
    for field, value in (("username", username), ("display_name", display_name)):
        try:
            single_line(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    if not username:
        errors["username"] = [_("请填写用户名。")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("用户名“%(username)s”已被使用。") % {"username": username}]
    if errors:
        raise ValidationError(errors)
    user = User(username=username, display_name=display_name, platform_role=role, is_staff=role == OPERATOR)
    user.full_clean(exclude=["password"], validate_unique=False)
    return user


def platform_user_create(
    *, username: str, role: str, display_name: str = "", password: str | None = None, acting_user: Any
) -> tuple[User, SetPasswordLink | None]:
    """A console account with ``role`` (operator or committee). Without ``password`` it has none
    yet and the returned link lets its owner set one (shown once, never stored); the command
    passes the password it read from the environment or a prompt."""
    _require_operator(acting_user)
    with schema_context("public"):
        user = _checked_new_user(username=username, role=role, display_name=display_name)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from exc
            user.set_password(password)
        else:
            user.set_unusable_password()
        with transaction.atomic():
            user.save()
            audit_record(
                event=audit_events.PLATFORM_USER_CREATED,
                actor=acting_user,
                target=user,
                after=_snapshot(user),
                detail={"how": "password" if password else "link"},
            )
        return user, (None if password else _link_for(user))


# --- disable, enable, delete --------------------------------------------------------------------


def _refusals(*, deleting: bool) -> tuple[str, str]:
    if deleting:
        return _("不能删除自己的账号。"), _("这是最后一个启用的平台运维账号，不能删除：请先创建或启用另一个运维账号。")
    return _("不能停用自己的账号。"), _("这是最后一个启用的平台运维账号，不能停用：请先创建或启用另一个运维账号。")


def _locked(user: User, *, acting_user: Any, deleting: bool) -> User:
    """``user``'s row under lock, after the active operators' rows (always locked in the same
    order, so two operators disabling each other are taken one after the other). Refused for the
    acting operator's own account and for the last active operator."""
    own, last = _refusals(deleting=deleting)
    operators = list(User.objects.select_for_update().filter(platform_role=OPERATOR, is_active=True).order_by("pk"))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if acting_user is not None and locked.pk == acting_user.pk:
        raise ValidationError(own)
    if locked.platform_role == OPERATOR and locked.is_active and [op.pk for op in operators] == [locked.pk]:
        raise ValidationError(last)
    return locked


def platform_user_set_active(*, user: User, active: bool, acting_user: Any) -> User:
    """Disable (``active`` False: its sessions end and its API tokens are revoked at once) or
    enable a console account. Setting what already holds changes nothing."""
    _require_operator(acting_user)
    with schema_context("public"), transaction.atomic():
        if active:
            locked = User.objects.select_for_update().get(pk=user.pk)
        else:
            locked = _locked(user, acting_user=acting_user, deleting=False)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        change: dict[str, Any] = {
            "actor": acting_user,
            "target": locked,
            "before": {"is_active": not active},
            "after": {"is_active": active},
        }
        if active:
            audit_record(event=audit_events.PLATFORM_USER_ENABLED, **change)
        else:
            ended = access_revoke(user=locked, reason="account_disabled", acting_user=acting_user)
            audit_record(event=audit_events.PLATFORM_USER_DISABLED, detail=ended, **change)
    return locked


def platform_user_delete(*, user: User, confirmation: str, acting_user: Any) -> None:
    """Delete a console account, with its username typed again (the page, the API)."""
    _require_operator(acting_user)
    if confirmation.strip() != user.username:
        raise ValidationError({"confirmation": [_("确认内容与用户名不一致，未删除。")]})
    with schema_context("public"), transaction.atomic():
        locked = _locked(user, acting_user=acting_user, deleting=True)
        ended = access_revoke(user=locked, reason="account_deleted", acting_user=acting_user)
        audit_record(
            event=audit_events.PLATFORM_USER_DELETED,
            actor=acting_user,
            target=locked,
            before=_snapshot(locked),
            detail=ended,
        )
        locked.delete()


# --- set-password links -------------------------------------------------------------------------


def platform_user_link_issue(*, user: User, acting_user: Any) -> SetPasswordLink:
    """A new set-password link for an account whose owner lost the password (or the first link):
    the current password stops working, sessions end and tokens are revoked."""
    _require_operator(acting_user)
    with schema_context("public"), transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if acting_user is not None and locked.pk == acting_user.pk:
            raise ValidationError(_("不能重置自己的密码，请在“修改密码”页面修改。"))
        if not locked.is_active:
            raise ValidationError(_("该账号已停用，请先启用。"))
        locked.set_unusable_password()
        locked.save(update_fields=["password"])
        ended = access_revoke(user=locked, reason="password_reset", acting_user=acting_user)
        audit_record(event=audit_events.PLATFORM_USER_LINK_ISSUED, actor=acting_user, target=locked, detail=ended)
    return _link_for(locked)


def _link_pk(uid: str) -> int | None:
    try:
        return int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        return None


def link_user(*, uid: str, token: str) -> User | None:
    """The active account a set-password link opens, or None (unknown, used, expired, disabled)."""
    pk = _link_pk(uid)
    with schema_context("public"):
        user = User.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    if user is None or not link_tokens.check_token(user, token):
        return None
    return user


def platform_user_password_set(*, uid: str, token: str, password: str) -> User:
    """The owner sets their password through the link; the link then stops working (its token
    is a hash of the old password: checked again under the row's lock, so it is used once)."""
    invalid = ValidationError(_("链接无效或已过期，请联系平台运维人员重新生成。"))
    user = link_user(uid=uid, token=token)
    if user is None:
        raise invalid
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    with schema_context("public"), transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not (locked.is_active and link_tokens.check_token(locked, token)):
            raise invalid
        locked.set_password(password)
        locked.save(update_fields=["password", "password_changed_at"])
        audit_record(event=audit_events.PLATFORM_USER_PASSWORD_SET, actor=locked, target=locked)
    return locked
