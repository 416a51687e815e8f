"""Accounts made for people on the roll, in bulk, before they sign in.

An account is made by the institution for a member record or a development dossier's person
(the caller links it: services/members/accounts.py, services/development/accounts.py); the
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

from django.contrib.auth.hashers import make_password

from services.kernel.bulk import insert_many

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
