"""Issuing and checking the one-time codes of activation and reset (stored as keyed hashes:
services/accounts/codes.py). A phone code lasts PHONE_CODE_MINUTES and replaces any earlier
unused one; a slip's code is issued by a manager and lasts the slip's validity."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.utils import timezone

from services.accounts.codes import code_digest, new_phone_code
from services.accounts.models import ActivationCode, User
from services.notifications.api import send_to_phone
from tenants.db import connection

PHONE_CODE_MINUTES = 10
RESEND_SECONDS = 60  # a second request within a minute does not send another SMS

Kind = ActivationCode.Kind


def phone_code_send(*, user: User, phone: str, reset: bool, new_account: bool = False) -> bool:
    """Issue a phone code to ``user`` and send it to ``phone`` after commit, replacing any earlier
    unused one; returns False (nothing sent) when a code sent under a minute ago still stands.
    Inside the caller's transaction; a refused send raises the notification channel's
    ``ValidationError`` (its Chinese message is the person's answer). ``new_account``: the
    account was made in this transaction, so it has no code yet (nothing to read or replace)."""
    now = timezone.now()
    live = []
    if not new_account:  # locked, read once
        live = list(
            ActivationCode.objects.select_for_update()
            .filter(user=user, kind=Kind.PHONE, used_at__isnull=True, replaced_at__isnull=True)
            .values_list("pk", "created_at", "expires_at")
        )
    if any(created > now - timedelta(seconds=RESEND_SECONDS) and expires > now for _pk, created, expires in live):
        return False
    if live:
        ActivationCode.objects.filter(pk__in=[pk for pk, _created, _expires in live]).update(replaced_at=now)
    code = new_phone_code()
    row = ActivationCode.objects.create(
        user=user,
        kind=Kind.PHONE,
        digest=code_digest(user_id=user.pk, kind=Kind.PHONE, code=code),
        expires_at=now + timedelta(minutes=PHONE_CODE_MINUTES),
    )
    template = "password_reset_code" if reset else "activation_code"
    key = f"activation:{connection.schema_name}:{row.pk}"
    params = {"code": code, "minutes": str(PHONE_CODE_MINUTES)}
    # The outbox row is written in this transaction and delivered after it commits; a refusal
    # (too many messages to this number, no SMS provider) raises and takes the code back with it.
    send_to_phone(phone=phone, template=template, params=params, idempotency_key=key)
    return True


@dataclass(frozen=True)
class Checked:
    """A typed code against the codes of one account: ``code_id`` when it is good, else why not
    (``wrong``, ``expired``, ``used``, ``replaced``)."""

    code_id: int | None
    reason: str = ""


def check(*, user_id: int | None, kind: str, code: str) -> Checked:
    """Compare ``code`` with ``user_id``'s codes of ``kind`` by their keyed hash (one indexed
    query; an unknown account does the same work and finds nothing)."""
    digest = code_digest(user_id=user_id or 0, kind=kind, code=code)
    with connection.cursor() as cursor:  # a statement written once: this runs at every code typed
        cursor.execute(_latest_codes_sql(), [user_id or 0, str(kind)])
        rows = cursor.fetchall()
    row = next((r for r in rows if hmac.compare_digest(r[1], digest)), None)
    if row is None:
        return Checked(None, "wrong")
    pk, _digest, used_at, replaced_at, expires_at = row
    if used_at is not None:
        return Checked(None, "used")
    if replaced_at is not None:
        return Checked(None, "replaced")
    if expires_at <= timezone.now():
        return Checked(None, "expired")
    return Checked(pk)


@cache
def _latest_codes_sql() -> str:
    table = connection.ops.quote_name(ActivationCode._meta.db_table)
    return (
        f"SELECT id, digest, used_at, replaced_at, expires_at FROM {table}"
        " WHERE user_id = %s AND kind = %s ORDER BY created_at DESC, id DESC LIMIT 20"
    )
