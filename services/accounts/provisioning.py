"""Accounts made for people on the roll, in bulk, before they sign in.

An account is made by the institution for a member record or a development dossier's person
(``accounts_link``, called by services/members/accounts.py and services/development/accounts.py); the
person activates it by setting a password (self-activation with a code sent to the phone on
their record, or a code from an activation slip). Until then the password is unusable and
``activated_at`` is empty, so nobody can sign in with it.

The username is the student or staff number, as people know it; a number that is empty or
already somebody's username falls back to the caller's stable alternative (``m<id>`` for a
member record), printed on the person's activation slip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet

from services.audit.services import audit_record_many
from services.kernel.bulk import insert_many
from tenants.db import connection

from . import audit_events
from .models import User


@dataclass(frozen=True)
class Holder:
    """Who an account is for: their number (the preferred username), their name, and the
    username to use when the number cannot be."""

    number: str
    name: str
    fallback: str


def usernames_for(holders: Sequence[Holder]) -> list[str]:
    """One free username per holder, in order: the number when it is set, unique in the batch
    and nobody's yet, else the fallback."""
    wanted = {h.number.strip() for h in holders if h.number.strip()} | {h.fallback for h in holders}
    taken = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    chosen: list[str] = []
    for holder in holders:
        number = holder.number.strip()
        name = number if number and number not in taken else holder.fallback
        if name in taken:
            raise ValueError(f"username {name!r} is taken")
        taken.add(name)
        chosen.append(name)
    return chosen


def accounts_create_many(*, holders: Sequence[Holder]) -> list[int]:
    """Make one account per holder (not activated: an unusable password), in one INSERT;
    returns their ids in the holders' order. The caller links and audits them in its
    transaction."""
    usernames = usernames_for(holders)
    rows = insert_many(
        User,
        constants={"password": make_password(None)},
        columns={"username": usernames, "display_name": [holder.name for holder in holders]},
        returning=("id", "username"),
    )
    ids = dict((username, pk) for pk, username in rows)
    return [ids[username] for username in usernames]


def accounts_link(*, records: QuerySet[Any], prefix: str, acting_user: Any) -> int:
    """Give each record of ``records`` (member records or dossiers: rows with ``name``,
    ``number`` and a nullable ``user``) that has no account yet a new, not yet activated one,
    stored on the record in one UPDATE; audited as made for ``records``' model. The fallback
    username is ``<prefix><id>``. Returns how many were made. One transaction, a constant number
    of queries (the records are locked first: two runs never give one person two accounts)."""
    model = records.model
    with transaction.atomic():
        locked = list(
            records.select_for_update().filter(user__isnull=True).order_by("pk").only("pk", "name", "number", "user_id")
        )
        if not locked:
            return 0
        user_ids = accounts_create_many(
            holders=[Holder(number=r.number, name=r.name, fallback=f"{prefix}{r.pk}") for r in locked]
        )
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:  # one UPDATE (bulk_update's CASE per row was most of the time)
            cursor.execute(
                f"UPDATE {table} AS r SET user_id = v.user_id"
                " FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, user_id) WHERE r.id = v.id",
                [[r.pk for r in locked], user_ids],
            )
        audit_record_many(
            event=audit_events.ACCOUNTS_PROVISIONED,
            acting_user=acting_user,
            targets=[("accounts.user", user_id) for user_id in user_ids],
            detail={"for": model._meta.model_name},
            per_target={user_id: {"record": r.pk} for r, user_id in zip(locked, user_ids, strict=True)},
        )
    return len(locked)
