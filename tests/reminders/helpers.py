"""Building blocks for reminder tests (the tree is tests.members.helpers.build_tree): people holding
positions since 2020, with e-mail addresses, and the keys of their reminders."""

from __future__ import annotations

from datetime import date

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import AdminGrant, OrgUnit, Position
from services.reminders.models import Reminder
from tests.factories import MemberFactory, UserFactory

# A Monday: the weekly digest goes out on Mondays.
TODAY = date(2026, 3, 16)
LONG_AGO = date(2020, 1, 1)


def person(
    unit: OrgUnit, username: str, position: str | None = None, email: str = "", **member_fields: object
) -> tuple[User, Member]:
    """A user with a member record in ``unit`` (a branch), optionally holding a position there
    since 2020 (so it is current on any scan date of these tests)."""
    user = UserFactory(username=username, email=email or f"{username}@example.edu.cn")
    member: Member = MemberFactory(branch=unit, user=user, **member_fields)
    if position:
        Position.objects.create(member=member, unit=unit, kind=position, started_on=LONG_AGO)
    return user, member


def unit_admin(unit: OrgUnit, username: str, role: str = AdminGrant.Role.UNIT_ADMIN) -> User:
    user = UserFactory(username=username, email=f"{username}@example.edu.cn")
    # In force since 2020, like the positions: the scans of these tests run on past dates.
    AdminGrant.objects.create(user=user, unit=unit, role=role, starts_on=LONG_AGO)
    return user


def keys_of(user: User, kind: str | None = None, *, open_only: bool = True) -> set[str]:
    rows = Reminder.objects.filter(recipient=user)
    if open_only:
        rows = rows.filter(resolved_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    return set(rows.values_list("key", flat=True))
