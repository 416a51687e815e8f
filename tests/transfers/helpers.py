"""Building blocks for transfer tests: a tree with a managing secretary in each institution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.accounts.models import User
from services.members.models import FamilyMember, Member, RewardPunishment
from services.organization.models import OrgUnit, Position
from tests.factories import MemberFactory
from tests.members.helpers import Tree, build_tree, person


@dataclass
class Side:
    tree: Tree
    secretary: User  # manages branch X (and nothing else)


def side(prefix: str) -> Side:
    """Call inside a schema: committee → college → {X, Y}; a secretary of X."""
    tree = build_tree()
    return Side(tree, person(tree.branch_x, f"{prefix}_sec", Position.Kind.SECRETARY))


def graduate(branch: OrgUnit, **fields: object) -> Member:
    """A student member with a phone, a family row and a reward: what a move must carry."""
    member: Member = MemberFactory(
        branch=branch, category=Member.Category.STUDENT, phone="13800138000", number=fields.pop("number", ""), **fields
    )
    FamilyMember.objects.create(member=member, relation="父亲", name="家属甲", work_unit="某单位")
    RewardPunishment.objects.create(
        member=member, kind=RewardPunishment.Kind.REWARD, title="优秀党员", issued_on=date(2024, 7, 1)
    )
    return member
