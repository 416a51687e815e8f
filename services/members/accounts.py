"""Accounts for member records: one per member, made in bulk and linked to the record, left for
the member to activate (services/accounts/provisioning.py); and closed when the member leaves the
roll (transferred out, stopped, deceased: ``member_accounts_close``), in the same transaction as
the status change, whichever way it came (a status change, a transfer letter, a transfer's move)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from services.accounts import audit_events as account_events
from services.accounts.models import User
from services.accounts.provisioning import accounts_link
from services.accounts.revocation import access_revoke_many
from services.audit.services import audit_record_many

from .models import Member
from .status import OFF_ROLL_STATUSES


def member_accounts_ensure(*, members: Iterable[Member], acting_user: Any) -> int:
    """Give every member in ``members`` on the roll without an account a new, not yet activated
    one, linked to the record (``m<id>`` when the number cannot be the username); returns how
    many were made. One transaction, a constant number of queries."""
    pending = [member.pk for member in members if member.user_id is None]
    if not pending:
        return 0
    records = Member.objects.filter(pk__in=pending).exclude(status__in=OFF_ROLL_STATUSES)  # people on the roll
    return accounts_link(records=records, prefix="m", acting_user=acting_user)


def member_accounts_close(*, member_ids: Sequence[int], reason: str, acting_user: Any) -> int:
    """The members of ``member_ids`` who are off the roll now lose their account at once: it is
    disabled, its sessions end and its API tokens are revoked, audited (``account.closed`` per
    account, ``auth.token_revoked`` per token). Runs in the caller's transaction, a constant
    number of queries whatever the number of members; an account already disabled, and the
    institution's superuser (its administrator, a console matter), are left alone. Returns how
    many accounts were closed."""
    linked = Member.objects.filter(
        pk__in=list(member_ids), status__in=OFF_ROLL_STATUSES, user__is_active=True, user__is_superuser=False
    ).values_list("pk", "user_id")
    member_of = {user_id: member_id for member_id, user_id in linked}
    if not member_of:
        return 0
    with transaction.atomic():
        User.objects.filter(pk__in=list(member_of)).update(is_active=False)
        ended = access_revoke_many(user_ids=list(member_of), reason=reason, acting_user=acting_user)
        audit_record_many(
            event=account_events.ACCOUNT_CLOSED,
            acting_user=acting_user,
            targets=[("accounts.user", user_id) for user_id in member_of],
            before={"is_active": True},
            after={"is_active": False},
            detail={"reason": reason, "sessions_and_tokens_ended": ended},
            per_target={user_id: {"member": member_id} for user_id, member_id in member_of.items()},
        )
    return len(member_of)
