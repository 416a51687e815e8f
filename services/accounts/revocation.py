"""Ending a user's access at once: every session and every API token the user holds, in the
schema the user lives in. Used when an account is disabled or deleted (one user: the console's
accounts; many: members leaving the roll, services/members/accounts.py); the caller runs it inside
its own audited transaction.

Sessions are found through the user-to-session index (sessions.py: a row written at every
sign-in), never by decoding the schema's sessions: a constant number of queries whatever the
number of users, sessions and tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from services.audit.services import audit_record_many

from . import audit_events
from .models import ApiToken, User
from .services import tokens_revoke
from .sessions import sessions_end_many


def sessions_end(*, user: User) -> int:
    """Delete every session signed in as ``user``; returns how many."""
    return sessions_end_many(user_ids=[user.pk])


def access_revoke(*, user: User, reason: str, acting_user: Any) -> dict[str, int]:
    """End ``user``'s sessions and revoke their live API tokens (each token's revocation is
    audited with ``reason``). Returns the counts, for the caller's audit row."""
    tokens = tokens_revoke(user=user, actor=acting_user, reason=reason)
    return {"sessions": sessions_end(user=user), "tokens": tokens}


def access_revoke_many(*, user_ids: Sequence[int], reason: str, acting_user: Any) -> dict[str, int]:
    """``access_revoke`` for many users at once, in a constant number of queries: their sessions
    end and their live tokens are revoked (one audit row per token, one INSERT)."""
    if not user_ids:
        return {"sessions": 0, "tokens": 0}
    live = ApiToken.objects.select_for_update().filter(user_id__in=user_ids, revoked_at__isnull=True)
    token_ids = list(live.values_list("pk", flat=True))
    ApiToken.objects.filter(pk__in=token_ids).update(revoked_at=timezone.now())
    if token_ids:
        audit_record_many(
            event=audit_events.TOKEN_REVOKED,
            acting_user=acting_user,
            targets=[("accounts.apitoken", pk) for pk in token_ids],
            detail={"reason": reason},
        )
    return {"sessions": sessions_end_many(user_ids=user_ids), "tokens": len(token_ids)}
