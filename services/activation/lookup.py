"""Whom an activation is for: a member record, or an open development dossier, found by student
or staff number and name, the last six characters of the national ID compared through their
blind index (``national_id_tail_index``: nothing is decrypted to compare).

A wrong answer does the same work whatever lies behind it: both queries run, each an indexed
lookup by number, and nothing tells a record that does not exist from one that does not match.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db.models import Q, Subquery

from services.accounts.models import User
from services.development.accounts import dossier_accounts_ensure
from services.development.models import Dossier, Stage
from services.members.accounts import member_accounts_ensure
from services.members.models import Member
from services.members.national_id import tail_index
from services.members.status import OFF_ROLL_STATUSES


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


def _number_q(number: str) -> Q:
    return Q(number=number) | Q(number=number.upper())


# What the steps read of the record: the rest (the national ID, encrypted: a decryption each)
# stays in the database.
_MEMBER_FIELDS = ("pk", "user_id", "number", "name", "phone", "branch_id")
_DOSSIER_FIELDS = ("pk", "user_id", "number", "name")


def find(*, number: str, name: str, id_tail: str) -> Person | None:
    """The person with this number, name and ID tail (members on the roll first, then open
    dossiers not yet become members), or None."""
    number, name = normalise_number(number), normalise_name(name)
    tail = tail_index(id_tail)
    if not number or not name:
        number = name = "\x00"  # matches nobody, by the same queries
    member = (
        Member.objects.filter(_number_q(number), name=name, national_id_tail_index=tail)
        .exclude(status__in=OFF_ROLL_STATUSES)
        .order_by("pk")
        .only(*_MEMBER_FIELDS)
        .first()
    )
    dossier = (
        Dossier.objects.filter(_number_q(number), name=name, national_id_tail_index=tail, member__isnull=True)
        .exclude(stage=Stage.ENDED)
        .order_by("pk")
        .only(*_DOSSIER_FIELDS)
        .first()
    )
    if member is not None:
        return Person(member=member)
    if dossier is not None:
        return Person(dossier=dossier)
    return None


def account_ensure(person: Person) -> tuple[User, bool]:
    """The person's account, made (not activated) when they have none, and whether it was made
    now; inside the caller's transaction."""
    if person.user_id is not None:
        return User.objects.get(pk=person.user_id), False
    if person.member is not None:
        made = member_accounts_ensure(members=[person.member], acting_user=None)
        linked = Subquery(Member.objects.filter(pk=person.member.pk).values("user_id"))
    else:
        assert person.dossier is not None
        made = dossier_accounts_ensure(dossiers=[person.dossier], acting_user=None)
        linked = Subquery(Dossier.objects.filter(pk=person.dossier.pk).values("user_id"))
    return User.objects.get(pk=linked), made > 0  # one query for the account just linked


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
