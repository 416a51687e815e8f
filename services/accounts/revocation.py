"""Ending a user's access at once: every session and every API token the user holds, in the
schema the user lives in. Used when an account is disabled or deleted; the caller runs it inside
its own audited transaction.

Sessions are stored in the database (Django's default engine): the user's are found by decoding
the unexpired ones of this schema. The console's public schema holds a handful; an institution
revoking one person's sessions at scale would want a user → session index instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from .models import User
from .services import tokens_revoke


def sessions_end(*, user: User) -> int:
    """Delete every unexpired session signed in as ``user``; returns how many."""
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    Session.objects.filter(pk__in=mine).delete()
    return len(mine)


def access_revoke(*, user: User, reason: str, acting_user: Any) -> dict[str, int]:
    """End ``user``'s sessions and revoke their live API tokens (each token's revocation is
    audited with ``reason``). Returns the counts, for the caller's audit row."""
    tokens = tokens_revoke(user=user, actor=acting_user, reason=reason)
    return {"sessions": sessions_end(user=user), "tokens": tokens}
