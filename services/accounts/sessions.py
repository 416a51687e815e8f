"""The user-to-session index (``UserSession``): a row per signed-in session, written when a user
signs in (Django's ``user_logged_in`` signal, so every way of signing in: the password page, the
two-step page, activation), moved when the session's key changes (a password change), deleted at
sign-out. Ending someone's sessions is then an indexed delete (revocation.py), and the 账号与安全
page lists the user's own.

Sessions signed in before the index existed were indexed once by the migration
``accounts/0004_session_index_backfill``; rows of sessions that expired are swept with them
(``index_sweep``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from services.audit.services import audit_record
from services.kernel.actions import client_ip

from . import audit_events
from .models import User, UserSession

AGENT_LENGTH = 200


def session_record(*, user: User, session_key: str, request: Any = None) -> None:
    """Index ``session_key`` as ``user``'s, with the address and browser of ``request``."""
    address = _address(client_ip(request) if request is not None else None)
    agent = request.META.get("HTTP_USER_AGENT", "")[:AGENT_LENGTH] if request is not None else ""
    UserSession.objects.update_or_create(
        session_key=session_key, defaults={"user": user, "address": address, "agent": agent}
    )


def _address(value: str | None) -> str | None:
    """An address as the database stores it, or None for what is not one (a proxy's "unknown")."""
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """The session kept its user under a new key (``update_session_auth_hash``)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def sessions_end_many(*, user_ids: Iterable[int], keep: str | None = None) -> int:
    """Delete every session of these users (but ``keep``, the caller's own), and their index rows:
    two queries whatever the number of users and sessions. Returns how many sessions ended."""
    ids = list(user_ids)
    if not ids:
        return 0
    rows = UserSession.objects.filter(user_id__in=ids)
    if keep:
        rows = rows.exclude(session_key=keep)
    # Raw deletes: neither model has dependants, and the collector would first load every row.
    sessions = Session.objects.filter(session_key__in=rows.values("session_key"))
    ended = sessions._raw_delete(sessions.db)
    rows._raw_delete(rows.db)
    return ended


def live_sessions(*, user: User) -> list[UserSession]:
    """``user``'s sessions that are still valid, newest first."""
    alive = Session.objects.filter(session_key=OuterRef("session_key"), expire_date__gt=timezone.now())
    return list(UserSession.objects.filter(Exists(alive), user=user).order_by("-created_at", "-pk"))


def sessions_end_others(*, user: User, keep: str | None, acting_user: Any) -> int:
    """Sign ``user`` out everywhere but the session ``keep`` (the one in use), audited; returns
    how many sessions ended. For the user themselves (账号与安全)."""
    with transaction.atomic():
        ended = sessions_end_many(user_ids=[user.pk], keep=keep)
        audit_record(event=audit_events.OTHER_SESSIONS_ENDED, actor=acting_user, target=user, detail={"count": ended})
    return ended


def index_sweep() -> int:
    """Delete index rows whose session is gone (expired and cleared, or signed out elsewhere)."""
    gone = ~Exists(Session.objects.filter(session_key=OuterRef("session_key")))
    deleted, _ = UserSession.objects.filter(gone).delete()
    return deleted
