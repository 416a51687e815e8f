"""Whom an activation is for: a member record, or an open development dossier, found by student
or staff number and name, the last six characters of the national ID compared through their
blind index (``national_id_tail_index``: nothing is decrypted to compare).

A wrong answer does the same work whatever lies behind it: one statement searches both tables,
each part an indexed lookup by number, and nothing tells a record that does not exist from one
that does not match.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from services.accounts.models import User
from services.development.accounts import dossier_accounts_ensure
from services.development.models import Dossier, Stage
from services.members.accounts import member_accounts_ensure
from services.members.models import Member
from services.members.national_id import tail_index
from services.members.status import OFF_ROLL_STATUSES
from tenants.db import connection


def normalise_number(value: str) -> str:
    """A student/staff number as typed: full-width characters folded, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def normalise_name(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split())


@dataclass(frozen=True)
class Person:
    """The record an account is for: a member record, else an open dossier."""

    member: Member | None = None
    dossier: Dossier | None = None

    @property
    def record(self) -> Member | Dossier:
        record = self.member or self.dossier
        assert record is not None
        return record

    @property
    def user_id(self) -> int | None:
        return self.record.user_id

    @property
    def phone(self) -> str:
        """The phone on the record (a dossier has none: applicants activate with a slip)."""
        return (self.member.phone or "") if self.member is not None else ""

    @property
    def number(self) -> str:
        return self.record.number


# What the steps read of the record: the rest (the national ID, encrypted: a decryption each)
# stays in the database. Both tables in one statement (one round trip, no ORM compilation):
# a member on the roll first, then an open dossier not yet become a member; each part an indexed
# lookup by number, so every answer, right or wrong, does the same work.
_FIND_SQL = """
(SELECT 'member', id, user_id, number, name, phone, branch_id FROM {member}
  WHERE number IN (%(number)s, %(upper)s) AND name = %(name)s AND national_id_tail_index = %(tail)s
    AND NOT (status = ANY(%(off_roll)s))
  ORDER BY id LIMIT 1)
UNION ALL
(SELECT 'dossier', id, user_id, number, name, NULL, NULL FROM {dossier}
  WHERE number IN (%(number)s, %(upper)s) AND name = %(name)s AND national_id_tail_index = %(tail)s
    AND member_id IS NULL AND stage <> %(ended)s
  ORDER BY id LIMIT 1)
"""


@cache
def _find_sql() -> str:
    quote = connection.ops.quote_name
    return _FIND_SQL.format(member=quote(Member._meta.db_table), dossier=quote(Dossier._meta.db_table))


def find(*, number: str, name: str, id_tail: str) -> Person | None:
    """The person with this number, name and ID tail (members on the roll first, then open
    dossiers not yet become members), or None."""
    number, name = normalise_number(number), normalise_name(name)
    tail = tail_index(id_tail)
    if not number or not name:
        number = name = "\x00"  # matches nobody, by the same query
    params = {
        "number": number,
        "upper": number.upper(),
        "name": name,
        "tail": tail,
        "off_roll": list(OFF_ROLL_STATUSES),
        "ended": str(Stage.ENDED),
    }
    with connection.cursor() as cursor:
        cursor.execute(_find_sql(), params)
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    if "member" in rows:
        pk, user_id, found_number, found_name, phone, branch_id = rows["member"]
        phone = Member._meta.get_field("phone").from_db_value(phone, None, connection)
        found = {"id": pk, "user_id": user_id, "number": found_number, "name": found_name}
        return Person(member=_loaded(Member, {**found, "phone": phone, "branch_id": branch_id}))
    if "dossier" in rows:
        pk, user_id, found_number, found_name, _phone, _branch = rows["dossier"]
        found = {"id": pk, "user_id": user_id, "number": found_number, "name": found_name}
        return Person(dossier=_loaded(Dossier, found))
    return None


def _loaded(model: type[Member] | type[Dossier], values: dict[str, object]) -> Any:
    """An instance of ``model`` as the ORM loads one with only these fields (the rest deferred)."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


_LINKED_SQL = "SELECT u.* FROM {user} AS u JOIN {record} AS r ON r.user_id = u.id WHERE r.id = %s"


def account_ensure(person: Person) -> tuple[User, bool]:
    """The person's account, made (not activated) when they have none, and whether it was made
    now; inside the caller's transaction."""
    if person.user_id is not None:
        return User.objects.get(pk=person.user_id), False
    if person.member is not None:
        made = member_accounts_ensure(members=[person.member], acting_user=None)
    else:
        assert person.dossier is not None
        made = dossier_accounts_ensure(dossiers=[person.dossier], acting_user=None)
    quote = connection.ops.quote_name
    sql = _LINKED_SQL.format(user=quote(User._meta.db_table), record=quote(type(person.record)._meta.db_table))
    return next(iter(User.objects.raw(sql, [person.record.pk]))), made > 0  # the account just linked


def record_of(user: User) -> Member | Dossier | None:
    """The record an account belongs to: its member record, else its latest open dossier."""
    member = Member.objects.filter(user=user).first()
    if member is not None:
        return member
    return Dossier.objects.filter(user=user).exclude(stage=Stage.ENDED).order_by("-pk").first()


def phone_of(user: User) -> str:
    """The phone on the account's member record ("" without one)."""
    phone = Member.objects.filter(user=user).values_list("phone", flat=True).first()
    return phone or ""
