"""Accounts for member records: one per member, made in bulk and linked to the record, left for
the member to activate (services/accounts/provisioning.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from services.accounts import audit_events as account_events
from services.accounts.provisioning import Holder, accounts_create_many
from services.audit.services import audit_record_many
from tenants.db import connection

from .models import Member


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
