"""Who should attend a meeting (应到人员), by its kind and unit, as frozen at creation.

- party group meeting (党小组会): the group's members (``Member.party_group``);
- branch committee meeting (支委会): the branch committee, the members holding a committee
  position in the branch on the meeting date (party group leaders are not committee members);
- heart-to-heart talk (谈心谈话): the people named when it is recorded;
- every other kind: the branch's members on the roll (正式党员 and 预备党员 alike; a member abroad
  or away is still expected and asks for leave).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit, Position
from services.organization.scope import current_positions_q

from .models import Meeting

COMMITTEE_POSITIONS: frozenset[str] = frozenset(
    {
        Position.Kind.SECRETARY,
        Position.Kind.DEPUTY_SECRETARY,
        Position.Kind.ORGANIZATION,
        Position.Kind.PROPAGANDA,
        Position.Kind.DISCIPLINE,
    }
)

# The kind of unit each meeting kind is held by.
GROUP_KINDS: frozenset[str] = frozenset({Meeting.Kind.GROUP_MEETING})


def unit_kind_fits(*, kind: str, unit: OrgUnit) -> bool:
    """A party group meeting is held by a party group; every other kind by a branch."""
    wanted = OrgUnit.Kind.PARTY_GROUP if kind in GROUP_KINDS else OrgUnit.Kind.BRANCH
    return unit.kind == wanted


def branch_of(unit: OrgUnit) -> OrgUnit:
    """The branch a unit belongs to: itself, or a party group's parent."""
    return unit.parent if unit.kind == OrgUnit.Kind.PARTY_GROUP and unit.parent is not None else unit


def committee_members(*, branch: OrgUnit, on: date) -> QuerySet[Member]:
    """The branch committee on ``on``: members holding a committee position in the branch."""
    positions = Position.objects.filter(current_positions_q(on=on), unit=branch, kind__in=COMMITTEE_POSITIONS).values(
        "member_id"
    )
    return Member.objects.filter(pk__in=positions).exclude(status__in=OFF_ROLL_STATUSES).order_by("name", "pk")


def should_attend(*, kind: str, unit: OrgUnit, on: date, participants: Iterable[Member] = ()) -> list[Member]:
    """The members expected at a meeting of ``kind`` held by ``unit`` on ``on``."""
    if kind == Meeting.Kind.TALK:
        return list({member.pk: member for member in participants}.values())
    if kind == Meeting.Kind.COMMITTEE_MEETING:
        return list(committee_members(branch=unit, on=on))
    on_roll = Member.objects.exclude(status__in=OFF_ROLL_STATUSES).order_by("name", "pk")
    if kind in GROUP_KINDS:
        return list(on_roll.filter(party_group=unit))
    return list(on_roll.filter(branch=unit))
