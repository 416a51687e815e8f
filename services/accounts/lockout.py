"""Sign-in lockout: what is counted, where, for how long (docs/security.md has the why).

Failed sign-ins (a wrong password, a wrong two-step code, a wrong current password when a
signed-in user is asked for it again) are counted in this schema's ``SignInCounter`` table,
under keyed hashes, for usernames that exist and usernames that do not alike:

- per account and client (``LOCKOUT_THRESHOLD``): the client is the browser when it carries this
  account's known-device cookie (it signed in to the account before), else the address. At the
  threshold that client is locked out of that account; the real user elsewhere is not.
- per account, from clients that are not its known devices (``LOCKOUT_ACCOUNT_THRESHOLD``,
  higher): a guess spread over many addresses. At the threshold the account is locked for every
  client except its known devices.

A lock lasts ``LOCKOUT_MINUTES``, twice as long for each further lock of the same counter that
starts within a day of the previous one's end, at most ``LOCKOUT_MAX_MINUTES``. A counter
forgets its failures ``LOCKOUT_MINUTES`` after the last one; a full sign-in clears the signing-in
client's counters, never the account's.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tenants.db import connection

from .models import SignInCounter

DEVICE_COOKIE = "pc_device"
DEVICE_DAYS = 180
DEVICE_USERS = 5  # accounts remembered per browser (a shared office computer)
LOCK_MEMORY = timedelta(days=1)  # locks within a day of each other double


def _hash(*parts: str) -> str:
    return salted_hmac("partycloud.accounts.lockout", "\x00".join(parts), algorithm="sha256").hexdigest()


def _device_salt() -> str:
    # Per schema: a device cookie earned on one institution means nothing on another's host.
    return f"partycloud.accounts.device:{connection.schema_name}"


def _device(raw: str | None) -> dict[str, Any] | None:
    """The known-device cookie's content, from its value as the browser sent it (None when it
    is missing, expired, forged or another institution's)."""
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_device_salt(), max_age=timedelta(days=DEVICE_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str) or not isinstance(data.get("u"), list):
        return None
    return data


def _user_tag(username: str) -> str:
    return _hash("user", username)[:16]


def _keys(*, username: str, ip: str | None, device: str | None) -> tuple[str, str | None]:
    """The client's counter key and, for a client that is not a known device of the account,
    the account's counter key."""
    known = _device(device)
    if known is not None and _user_tag(username) in known["u"]:
        return _hash("client", username, "device", known["d"]), None
    return _hash("client", username, "address", ip or ""), _hash("account", username)


def locked_minutes(*, username: str, ip: str | None, device: str | None) -> int:
    """Minutes until this client (its address ``ip`` and the value of its ``DEVICE_COOKIE``, if
    any) may try this account again; 0 when it may now."""
    now = timezone.now()
    keys = [key for key in _keys(username=username, ip=ip, device=device) if key]
    until = SignInCounter.objects.filter(key__in=keys, locked_until__gt=now).aggregate(m=Max("locked_until"))["m"]
    return 0 if until is None else max(1, math.ceil((until - now).total_seconds() / 60))


def _count(key: str, threshold: int, now: datetime) -> datetime | None:
    """One more failure under ``key``; returns the end of the lock this failure starts, if any."""
    counter, _ = SignInCounter.objects.select_for_update().get_or_create(key=key, defaults={"last_failure_at": now})
    if counter.locked_until is None or counter.locked_until < now - LOCK_MEMORY:
        counter.locks = 0
    if counter.last_failure_at < now - timedelta(minutes=settings.LOCKOUT_MINUTES):
        counter.failures = 0
    counter.failures += 1
    counter.last_failure_at = now
    started = None
    if counter.failures >= threshold:
        minutes = min(settings.LOCKOUT_MINUTES * 2**counter.locks, settings.LOCKOUT_MAX_MINUTES)
        counter.locks += 1
        counter.failures = 0
        counter.locked_until = started = now + timedelta(minutes=minutes)
    counter.save()
    return started


def record_failure(*, username: str, ip: str | None, device: str | None) -> dict[str, str]:
    """Count one failure; returns the locks it started ({"client" | "account": until})."""
    client_key, account_key = _keys(username=username, ip=ip, device=device)
    now = timezone.now()
    started = {}
    with transaction.atomic():  # always client first, then account: no deadlock between two failures
        until = _count(client_key, settings.LOCKOUT_THRESHOLD, now)
        if until is not None:
            started["client"] = until.isoformat()
        if account_key is not None:
            until = _count(account_key, settings.LOCKOUT_ACCOUNT_THRESHOLD, now)
            if until is not None:
                started["account"] = until.isoformat()
    return started


# --- Counters of other kinds of guess (services/activation: answers, codes) ---------------------
# The same table and the same lock lengths, under keys of the caller's own namespace: a key of
# one namespace never equals a sign-in key, so a wrong activation answer never locks a sign-in.


def key(namespace: str, *parts: str) -> str:
    """The counter key of ``parts`` in ``namespace`` (a keyed hash: nothing typed is stored)."""
    return _hash(namespace, *parts)


def keys_locked_minutes(keys: list[str]) -> int:
    """Minutes until none of ``keys`` is locked; 0 when none is now. Asked at every activation
    step, so in a statement written once rather than built by the ORM each time."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_locked_until_sql(), [keys, now])
        until = cursor.fetchone()[0]
    return 0 if until is None else max(1, math.ceil((until - now).total_seconds() / 60))


@cache
def _locked_until_sql() -> str:
    table = connection.ops.quote_name(SignInCounter._meta.db_table)
    return f"SELECT max(locked_until) FROM {table} WHERE key = ANY(%s) AND locked_until > %s"


def keys_record_failure(thresholds: dict[str, tuple[str, int]]) -> dict[str, str]:
    """Count one failure under each ``{scope: (key, threshold)}``, in the order given (callers
    keep one order: no deadlock); returns the locks it started ({scope: until})."""
    now = timezone.now()
    started = {}
    with transaction.atomic():
        for scope, (counter_key, threshold) in thresholds.items():
            until = _count(counter_key, threshold, now)
            if until is not None:
                started[scope] = until.isoformat()
    return started


def record_success(*, username: str, ip: str | None, device: str | None) -> None:
    """A full sign-in: this client's counters for the account start again (by address and by
    device); the account's own counter does not (the guesser elsewhere has not stopped)."""
    keys = [_hash("client", username, "address", ip or "")]
    known = _device(device)
    if known is not None:
        keys.append(_hash("client", username, "device", known["d"]))
    SignInCounter.objects.filter(key__in=keys).delete()


def device_cookie(*, username: str, device: str | None) -> str:
    """The known-device cookie after a full sign-in, from the one the browser sent (``device``,
    its value, if any): this browser's id (kept if it had one) and the accounts signed in on it,
    as hashes (the cookie names nobody)."""
    device_data = _device(device) or {"d": secrets.token_urlsafe(16), "u": []}
    tag = _user_tag(username)
    users = [tag, *(u for u in device_data["u"] if u != tag)][:DEVICE_USERS]
    return signing.dumps({"d": device_data["d"], "u": users}, salt=_device_salt())


def counters_purge(*, now: datetime | None = None) -> int:
    """Delete counters with nothing left to remember: no failure and no lock within a day."""
    now = now or timezone.now()
    stale = SignInCounter.objects.filter(last_failure_at__lt=now - LOCK_MEMORY).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now - LOCK_MEMORY)
    )
    deleted, _ = stale.delete()
    return deleted
