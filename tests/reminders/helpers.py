"""Building blocks for reminder tests: a small tree, people holding positions, and a scan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import AdminGrant, OrgUnit, Position
from services.organization.services import org_unit_create
from services.reminders.models import Reminder
from tests.factories import MemberFactory, UserFactory

# A Monday: the weekly digest goes out on Mondays.
TODAY = date(2026, 3, 16)
LONG_AGO = date(2020, 1, 1)


@dataclass
class Tree:
    committee: OrgUnit
    college: OrgUnit
    branch_x: OrgUnit
    branch_y: OrgUnit
    other_college: OrgUnit
    branch_z: OrgUnit


def build_tree() -> Tree:
    """committee → college → {X, Y}; committee → other college → Z. Call inside a schema."""
    committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
    college = org_unit_create(name="计算机学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
    other = org_unit_create(name="外国语学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
    return Tree(
        committee=committee,
        college=college,
        branch_x=org_unit_create(name="X支部", kind=OrgUnit.Kind.BRANCH, parent=college),
        branch_y=org_unit_create(name="Y支部", kind=OrgUnit.Kind.BRANCH, parent=college),
        other_college=other,
        branch_z=org_unit_create(name="Z支部", kind=OrgUnit.Kind.BRANCH, parent=other),
    )


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
    AdminGrant.objects.create(user=user, unit=unit, role=role)
    return user


def keys_of(user: User, kind: str | None = None, *, open_only: bool = True) -> set[str]:
    rows = Reminder.objects.filter(recipient=user)
    if open_only:
        rows = rows.filter(resolved_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    return set(rows.values_list("key", flat=True))
