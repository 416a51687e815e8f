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
from services.accounts.provisioning import Holder, accounts_create_many
from services.accounts.revocation import access_revoke_many
from services.audit.services import audit_record_many
from tenants.db import connection

from .models import Member
from .status import OFF_ROLL_STATUSES


def _link(members: list[Member]) -> None:
    """Store each member's new ``user_id`` in one UPDATE (bulk_update's CASE per row took most of
    the time for 20,000 records)."""
    table = connection.ops.quote_name(Member._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET user_id = v.user_id"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, user_id) WHERE m.id = v.id",
            [[m.pk for m in members], [m.user_id for m in members]],
        )


def member_accounts_ensure(*, members: Iterable[Member], acting_user: Any) -> int:
    """Give every member in ``members`` without an account a new, not yet activated one, linked
    to the record; returns how many were made. One transaction, a constant number of queries."""
    pending = [member for member in members if member.user_id is None]
    if not pending:
        return 0
    with transaction.atomic():
        locked = list(
            Member.objects.select_for_update()
            .filter(pk__in=[m.pk for m in pending], user__isnull=True)
            .exclude(status__in=OFF_ROLL_STATUSES)  # accounts are for people on the roll
            .order_by("pk")
            .only("pk", "name", "number", "user_id")
        )
        user_ids = accounts_create_many(
            holders=[Holder(number=m.number, name=m.name, fallback=f"m{m.pk}") for m in locked]
        )
        for member, user_id in zip(locked, user_ids, strict=True):
            member.user_id = user_id
        _link(locked)
        audit_record_many(
            event=account_events.ACCOUNTS_PROVISIONED,
            acting_user=acting_user,
            targets=[("accounts.user", user_id) for user_id in user_ids],
            detail={"for": "member"},
            per_target={member.user_id: {"record": member.pk} for member in locked},
        )
    return len(locked)


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
