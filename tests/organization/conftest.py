"""A small tree in institution A: the university committee, two second-level committees, two
branches under the first (one with a party group), one under the second; and the people who
act on it: the institution's superuser, a second-level administrator, a branch secretary and a
plain member."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import AdminGrant, OrgUnit, Position
from services.organization.services import org_unit_create
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory


@dataclass
class Tree:
    committee: OrgUnit
    college: OrgUnit
    college2: OrgUnit
    branch: OrgUnit
    branch2: OrgUnit
    group: OrgUnit
    other_branch: OrgUnit  # under college2


@dataclass
class People:
    admin: User  # the institution's superuser
    college_admin: User  # unit_admin on tree.college
    secretary: User  # secretary of tree.branch
    member: User  # a plain member of tree.branch


@pytest.fixture
def in_a(inst_a: Institution) -> Iterator[Institution]:
    with in_schema(inst_a):
        yield inst_a


@pytest.fixture
def tree(in_a: Institution) -> Tree:
    committee = org_unit_create(name="中共甲大学委员会", kind=OrgUnit.Kind.COMMITTEE)
    college = org_unit_create(name="计算机学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
    college2 = org_unit_create(name="外国语学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
    branch = org_unit_create(name="计算机教工党支部", kind=OrgUnit.Kind.BRANCH, parent=college, branch_kind="teacher")
    branch2 = org_unit_create(name="计算机本科生党支部", kind=OrgUnit.Kind.BRANCH, parent=college)
    group = org_unit_create(name="第一党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch)
    other = org_unit_create(name="外语教工党支部", kind=OrgUnit.Kind.BRANCH, parent=college2)
    return Tree(committee, college, college2, branch, branch2, group, other)


def member_user(inst: Institution, branch: OrgUnit, username: str) -> tuple[User, Member]:
    user = make_user(inst, username=username)
    with in_schema(inst):
        member = MemberFactory(branch=branch, user=user, name=username)
    return user, member


@pytest.fixture
def people(in_a: Institution, tree: Tree) -> People:
    admin = make_user(in_a, username="org_admin", is_superuser=True, is_staff=True)
    college_admin = make_user(in_a, username="college_admin")
    AdminGrant.objects.create(user=college_admin, unit=tree.college, role=AdminGrant.Role.UNIT_ADMIN)
    secretary, secretary_member = member_user(in_a, tree.branch, "branch_secretary")
    Position.objects.create(
        member=secretary_member, unit=tree.branch, kind=Position.Kind.SECRETARY, started_on=date(2024, 1, 1)
    )
    member, _ = member_user(in_a, tree.branch, "plain_member")
    return People(admin, college_admin, secretary, member)
