"""Rate limits and lockout of activation, reset and slip attempts (docs/accounts.md).

- Throttle: ACTIVATION_THROTTLE_PER_MINUTE attempts (every submitted form, right or wrong) per
  client address per minute, whatever the person.
- Lockout, in the sign-in counters' table under activation's own keys (services/accounts/lockout.py):
  a *subject* is what the guess is about (the student number typed at step 1, the account whose
  code is checked, the username on a slip). LOCKOUT_THRESHOLD wrong answers on a subject from one
  address lock that address out of it, LOCKOUT_ACCOUNT_THRESHOLD from anywhere lock the subject,
  and ACTIVATION_ADDRESS_THRESHOLD wrong answers from one address, whatever the subject, lock
  the address (a guess spread over many students). Subjects nobody has count like real ones.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from services.accounts import lockout
from services.audit.services import audit_record
from services.kernel.actions import current_action
from tenants.db import connection

from . import audit_events

_NAMESPACE = "activation"


def client_ip() -> str:
    action = current_action()
    return (action.ip if action is not None else None) or ""


def _throttle_key() -> str:
    return f"activation-throttle:{connection.schema_name}:{client_ip()}"


def throttled() -> bool:
    """Count this attempt; True when the address has made too many this minute."""
    key = _throttle_key()
    if cache.add(key, 1, timeout=60):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60)
        return False
    return int(count) > settings.ACTIVATION_THROTTLE_PER_MINUTE


def _counters(subject: str) -> dict[str, tuple[str, int]]:
    ip = client_ip()
    return {
        "subject_client": (lockout.key(_NAMESPACE, "subject", subject, "address", ip), settings.LOCKOUT_THRESHOLD),
        "subject": (lockout.key(_NAMESPACE, "subject", subject), settings.LOCKOUT_ACCOUNT_THRESHOLD),
        "client": (lockout.key(_NAMESPACE, "address", ip), settings.ACTIVATION_ADDRESS_THRESHOLD),
    }


def locked_message(subject: str) -> str:
    """The lockout message when this address may not try ``subject`` now, else ""."""
    minutes = lockout.keys_locked_minutes([key for key, _threshold in _counters(subject).values()])
    if not minutes:
        return ""
    return _("尝试次数过多，请 %(m)d 分钟后再试，或联系所在党支部书记领取激活单。") % {"m": minutes}


def throttled_message() -> str:
    return _("操作过于频繁，请一分钟后再试。")


def record_failure(*, subject: str, event: str, detail: dict[str, Any], target: Any = None) -> None:
    """A wrong answer about ``subject``: audited (``event`` with ``detail``), counted toward the
    lockout, and each lock it starts audited."""
    with transaction.atomic():
        audit_record(event=event, target=target, detail=detail)
        for scope, until in lockout.keys_record_failure(_counters(subject)).items():
            audit_record(event=audit_events.LOCKED_OUT, target=target, detail={"scope": scope, "until": until})
