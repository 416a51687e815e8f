"""Fixtures of the organizational-life tests: a branch of institution A with full and probationary
members, a committee (the secretary manages the branch), a party group, and a helper that plans a
meeting through the service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.orglife.models import Meeting
from services.orglife.services import meeting_create
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory


@dataclass
class Branch:
    unit: OrgUnit
    group: OrgUnit
    secretary: User
    members: list[Member]  # full members; members[0] is the secretary, members[1] the organization officer
    probationary: list[Member]


def make_branch(
    institution: Institution, *, full: int = 8, probationary: int = 2, username: str = "ol_secretary"
) -> Branch:
    with in_schema(institution):
        unit = OrgUnitFactory(name="第一党支部")
        group = OrgUnitFactory(name="第一党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=unit)
        secretary = make_user(institution, username=username)
        members = [MemberFactory(branch=unit, name=f"党员{i:02d}") for i in range(full)]
        trial = [
            MemberFactory(branch=unit, status=Member.Status.PROBATIONARY, name=f"预备{i:02d}")
            for i in range(probationary)
        ]
        members[0].user = secretary
        members[0].save(update_fields=["user"])
        since = date(2024, 1, 1)
        Position.objects.create(member=members[0], unit=unit, kind=Position.Kind.SECRETARY, started_on=since)
        Position.objects.create(member=members[1], unit=unit, kind=Position.Kind.ORGANIZATION, started_on=since)
        Position.objects.create(member=members[2], unit=unit, kind=Position.Kind.PROPAGANDA, started_on=since)
        Member.objects.filter(pk__in=[m.pk for m in members[:4]]).update(party_group=group)
        return Branch(unit=unit, group=group, secretary=secretary, members=members, probationary=trial)


@pytest.fixture
def branch(inst_a: Institution) -> Iterator[Branch]:
    made = make_branch(inst_a)
    with in_schema(inst_a):
        yield made


def soon(days: int = 1, hour: int = 14) -> datetime:
    """A time ``days`` from today at ``hour`` o'clock, local time."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def plan(
    branch: Branch, *, kind: str = Meeting.Kind.MEMBER_MEETING, unit: OrgUnit | None = None, **fields: Any
) -> Meeting:
    """A meeting of the branch (or ``unit``) planned by its secretary, tomorrow 14:00–16:00 unless given."""
    starts_at = fields.pop("starts_at", soon())
    return meeting_create(
        acting_user=fields.pop("acting_user", branch.secretary),
        unit=unit or branch.unit,
        kind=kind,
        topic=fields.pop("topic", "学习党章"),
        starts_at=starts_at,
        ends_at=fields.pop("ends_at", starts_at + timedelta(hours=2)),
        host=fields.pop("host", branch.members[0]),
        recorder=fields.pop("recorder", branch.members[1]),
        **fields,
    )
