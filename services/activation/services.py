"""Self-activation, slip activation and password reset: the steps, each a service that takes what
the person typed and returns what happened (never the request). A refusal is a result, not an
exception: its audit row and lockout count must be committed (docs/accounts.md).

1. ``activation_start`` (number, name, last six of the ID) or ``reset_start`` (username or
   phone) or ``slip_check`` (username and slip code) finds the account;
2. ``code_check`` compares the SMS code;
3. ``password_set`` sets the password: the account is activated (or its password reset) and the
   code used, in one transaction.
The pending account between steps is carried by the caller (views.py, pending.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accounts import phones
from services.accounts.models import ActivationCode, User
from services.accounts.revocation import access_revoke
from services.audit.services import audit_record
from services.notifications.api import phone_verified_set

from . import audit_events, codes, guard, lookup


@dataclass(frozen=True)
class Step:
    """The outcome of a step: ``error`` (shown to the person) or the account to go on with."""

    error: str = ""
    user_id: int | None = None
    code_id: int | None = None
    reset: bool = False  # the account is already active: the flow sets a new password
    subject: str = ""  # what the next step's wrong answers count against


def wrong_answers_message() -> str:
    return _("信息核对未通过，请检查学号/工号、姓名和身份证号后6位是否填写正确。")


def ask_secretary_message() -> str:
    return _("无法通过短信自助激活，请联系所在党支部书记领取激活单。")


def phone_taken_message() -> str:
    return _("该手机号已绑定其他账号，无法用于激活。请联系所在党支部书记领取激活单。")


def _refused(event: str, detail: dict[str, Any], message: str, target: Any = None) -> Step:
    audit_record(event=event, target=target, detail=detail)
    return Step(error=message)


def _is_active_account(user: User) -> bool:
    return user.activated_at is not None or user.has_usable_password()


def activation_start(*, number: str, name: str, id_tail: str) -> Step:
    """Step 1 of self-activation: find the person, make their account if they have none, send a
    code to the phone on their record."""
    subject = f"number:{lookup.normalise_number(number)}"
    if guard.throttled():
        return _refused(audit_events.ANSWERS_REFUSED, {"reason": "throttled"}, guard.throttled_message())
    locked = guard.locked_message(subject)
    if locked:
        return _refused(audit_events.ANSWERS_REFUSED, {"reason": "locked"}, locked)
    person = lookup.find(number=number, name=name, id_tail=id_tail)
    if person is None:
        guard.record_failure(subject=subject, event=audit_events.ANSWERS_REFUSED, detail={"reason": "no_match"})
        return Step(error=wrong_answers_message())
    phone = phones.normalise(person.phone)
    if not phone:
        return _refused(audit_events.REFUSED, {"reason": "no_phone"}, ask_secretary_message(), target=person.record)
    index = phones.phone_index(phone)
    taken = User.objects.filter(phone_index=index)
    if person.user_id is not None:
        taken = taken.exclude(pk=person.user_id)
    if taken.exists():
        return _refused(audit_events.REFUSED, {"reason": "phone_taken"}, phone_taken_message(), target=person.record)
    try:
        with transaction.atomic():
            user, new_account = lookup.account_ensure(person)
            if not user.is_active:
                message = _("该账号已停用，请联系所在党支部书记。")
                return _refused(audit_events.REFUSED, {"reason": "disabled"}, message, target=user)
            reset = _is_active_account(user)
            sent = codes.phone_code_send(user=user, phone=phone, reset=reset, new_account=new_account)
            purpose = "reset" if reset else "activate"
            audit_record(event=audit_events.CODE_SENT, target=user, detail={"purpose": purpose, "sent": sent})
    except ValidationError as refused:  # the SMS channel's refusal: nothing was made
        return _refused(audit_events.REFUSED, {"reason": "sms_refused"}, " ".join(refused.messages), person.record)
    return Step(user_id=user.pk, reset=reset, subject=f"user:{user.pk}")


def reset_start(*, identifier: str) -> Step:
    """忘记密码: the account named by username or verified phone. A code goes to the phone on its
    record when the account is active and that phone is the one it verified; the answer (and
    the next page) is the same either way."""
    subject = f"reset:{identifier.strip()}"
    if guard.throttled():
        return _refused(audit_events.RESET_REQUESTED, {"sent": False, "reason": "throttled"}, guard.throttled_message())
    index = phones.phone_index(identifier)
    users = User.objects.filter(Q(username=identifier.strip()) | (Q(phone_index=index) if index else Q(pk__in=[])))
    user = users.order_by("pk").first()
    reason = _reset_refusal(user)
    if user is None or reason:
        audit_record(event=audit_events.RESET_REQUESTED, target=user, detail={"sent": False, "reason": reason})
        return Step(user_id=None, reset=True, subject=subject)
    try:
        with transaction.atomic():
            sent = codes.phone_code_send(user=user, phone=lookup.phone_of(user), reset=True)
            audit_record(event=audit_events.RESET_REQUESTED, target=user, detail={"sent": sent})
    except ValidationError as refused:
        audit_record(event=audit_events.RESET_REQUESTED, target=user, detail={"sent": False, "reason": "sms_refused"})
        return Step(error=" ".join(refused.messages))
    return Step(user_id=user.pk, reset=True, subject=f"user:{user.pk}")


def _reset_refusal(user: User | None) -> str:
    if user is None:
        return "unknown"
    if not user.is_active or not _is_active_account(user):
        return "not_active"
    phone = lookup.phone_of(user)
    if not user.phone_index or phones.phone_index(phone) != user.phone_index:
        return "no_verified_phone"
    return ""


_CODE_MESSAGES = {
    "wrong": lambda: _("验证码不正确。"),
    "expired": lambda: _("验证码已过期，请重新获取。"),
    "used": lambda: _("验证码已使用过，请重新获取。"),
    "replaced": lambda: _("验证码已失效，请使用最新收到的验证码。"),
}


def code_check(*, user_id: int | None, subject: str, code: str, kind: str = ActivationCode.Kind.PHONE) -> Step:
    """Step 2: the code typed against the pending account's codes of ``kind``. Wrong codes count
    toward the lockout of ``subject`` and of the address."""
    detail = {"kind": str(kind)}
    if guard.throttled():
        return _refused(audit_events.CODE_REFUSED, {**detail, "reason": "throttled"}, guard.throttled_message())
    locked = guard.locked_message(subject)
    if locked:
        return _refused(audit_events.CODE_REFUSED, {**detail, "reason": "locked"}, locked)
    user = User.objects.filter(pk=user_id or 0, is_active=True).first()
    checked = codes.check(user_id=user.pk if user else None, kind=kind, code=code)
    if checked.code_id is None:
        reason = checked.reason if user is not None else "wrong"
        if reason == "wrong":
            guard.record_failure(
                subject=subject, event=audit_events.CODE_REFUSED, detail={**detail, "reason": reason}, target=user
            )
        else:
            audit_record(event=audit_events.CODE_REFUSED, target=user, detail={**detail, "reason": reason})
        return Step(error=_CODE_MESSAGES[reason]())
    assert user is not None
    return Step(user_id=user.pk, code_id=checked.code_id, reset=_is_active_account(user), subject=subject)


def slip_check(*, username: str, code: str) -> Step:
    """Slip activation, step 1: the username and the code printed on the slip (or read from its
    QR code)."""
    username = username.strip()
    user = User.objects.filter(username=username).only("pk").first()
    return code_check(
        user_id=user.pk if user else None, subject=f"slip:{username}", code=code, kind=ActivationCode.Kind.SHEET
    )


def password_set(*, user_id: int, code_id: int, how: str, password: str) -> Step:
    """Step 3: the password (checked against the password rules by the caller's form). One
    transaction: the code used, the password set, the account activated with the phone it
    verified as a second sign-in name (``how == "phone"``), the username following the record's
    current number when it changed and is free. An account already active has its password
    reset instead: its sessions and API tokens end."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id, is_active=True)
        code = ActivationCode.objects.select_for_update().get(pk=code_id, user=user)
        if code.used_at is not None or code.replaced_at is not None:
            reason = "used" if code.used_at is not None else "replaced"
            audit_record(event=audit_events.CODE_REFUSED, target=user, detail={"kind": code.kind, "reason": reason})
            return Step(error=_CODE_MESSAGES[reason]())
        reset = _is_active_account(user)
        now = timezone.now()
        renamed = _follow_number(user)
        if how == "phone":
            user.phone_index = phones.phone_index(lookup.phone_of(user))
        user.set_password(password)
        if user.activated_at is None:
            user.activated_at = now
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            audit_record(event=audit_events.REFUSED, target=user, detail={"reason": "phone_taken"})
            return Step(error=phone_taken_message())
        code.used_at = now
        code.save(update_fields=["used_at"])
        if how == "phone":  # security messages may go to it by SMS from now on
            phone_verified_set(acting_user=user, user=user, phone=lookup.phone_of(user))
        if reset:
            ended = access_revoke(user=user, reason="password_reset", acting_user=user)
            audit_record(event=audit_events.PASSWORD_RESET, actor=user, target=user, detail={"how": how, **ended})
        else:
            detail = {"how": how, **({"username_from": renamed} if renamed else {})}
            audit_record(event=audit_events.ACTIVATED, actor=user, target=user, detail=detail)
    return Step(user_id=user.pk, reset=reset)


def _follow_number(user: User) -> str:
    """A student number that changed: the username becomes the record's current number when it
    is set and nobody else's. Returns the old username when it changed, else ""."""
    record = lookup.record_of(user)
    number = (record.number or "").strip() if record is not None else ""
    if not number or number == user.username or User.objects.filter(username=number).exists():
        return ""
    old, user.username = user.username, number
    return old
