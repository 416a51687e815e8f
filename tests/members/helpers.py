"""Building blocks for member tests: a small tree and people holding positions in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import AdminGrant, OrgUnit, Position
from services.organization.services import org_unit_create
from tests.factories import MemberFactory, UserFactory


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


def person(branch: OrgUnit, username: str, position: str | None = None, **member_fields: object) -> User:
    """A user with a member record in ``branch``, optionally holding a current position there."""
    user = UserFactory(username=username)
    member: Member = MemberFactory(branch=branch, user=user, **member_fields)
    if position:
        Position.objects.create(member=member, unit=branch, kind=position, started_on=date.today() - timedelta(days=30))
    return user


def unit_admin(unit: OrgUnit, username: str) -> User:
    user = UserFactory(username=username)
    AdminGrant.objects.create(user=user, unit=unit, role=AdminGrant.Role.UNIT_ADMIN)
    return user
