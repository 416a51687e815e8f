"""Demo data of organizational life, for every open branch of the demo institution: its party
group (the demo tree's 第一党小组, or a new one) with the branch's first members, two past
meetings — a member meeting and a theme party day, most of the list present, one excused — and
upcoming ones: a party group meeting, a party lecture and, where the branch has a committee, a
committee meeting. In the demo secretary's branch the demo member has asked for leave from the
lecture, so the secretary finds a request to approve. Idempotent: a branch that already has a
meeting is left as it is, and members are put into the group only while none is in one.

Written through the services (the system acts: ``acting_user=None``), except the past meetings'
presence, which check-in would have recorded and is written directly as 主持人补记.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from services.accounts.models import User
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create

from .attendance_lists import committee_members
from .groups import party_group_assign
from .leave import leave_request
from .models import Attendee, Meeting
from .services import meeting_create

GROUP_SIZE = 4


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _meeting(unit: OrgUnit, people: list[Member], kind: str, topic: str, days: int, **extra: Any) -> Meeting:
    starts = _at(days, 14 if kind != Meeting.Kind.THEME_DAY else 9)
    return meeting_create(
        acting_user=None,
        unit=unit,
        kind=kind,
        topic=topic,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="党员活动室",
        host=people[0],
        recorder=people[1] if len(people) > 1 else people[0],
        **extra,
    )


def _mark_held(meeting: Meeting, rng: random.Random) -> None:
    """Most of the list present, one excused with approved leave."""
    rows = list(meeting.attendees.filter(expected=True).order_by("pk"))
    if not rows:
        return
    excused = rng.choice(rows)
    Attendee.objects.filter(pk=excused.pk).update(
        leave=Attendee.Leave.APPROVED, leave_reason="出差", leave_decided_at=meeting.starts_at - timedelta(days=1)
    )
    present = [row.pk for row in rows if row.pk != excused.pk and rng.random() < 0.85]
    Attendee.objects.filter(pk__in=present).update(
        checked_in_at=meeting.starts_at - timedelta(minutes=5), checkin_method=Attendee.Method.MANUAL
    )


def _seed_branch(branch: OrgUnit, rng: random.Random) -> None:
    people = list(Member.objects.filter(branch=branch).exclude(status__in=OFF_ROLL_STATUSES).order_by("pk"))
    if len(people) < 2 or Meeting.objects.filter(unit__path__startswith=branch.path).exists():
        return
    group = OrgUnit.objects.filter(parent=branch, kind=OrgUnit.Kind.PARTY_GROUP, closed_on__isnull=True).first()
    if group is None:
        group = org_unit_create(name="第一党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch)
    if not any(person.party_group_id for person in people):
        party_group_assign(acting_user=None, branch=branch, group=group, members=people[:GROUP_SIZE])
    held = [
        _meeting(branch, people, Meeting.Kind.MEMBER_MEETING, "学习贯彻党的二十大精神", -rng.randint(20, 40)),
        _meeting(branch, people, Meeting.Kind.THEME_DAY, "主题党日：参观红色教育基地", -rng.randint(3, 15)),
    ]
    for meeting in held:
        _mark_held(meeting, rng)
    if committee_members(branch=branch, on=timezone.localdate()).exists():
        _meeting(branch, people, Meeting.Kind.COMMITTEE_MEETING, "研究本月支部工作", rng.randint(2, 6))
    _meeting(group, people, Meeting.Kind.GROUP_MEETING, "党小组学习：党章", rng.randint(2, 6))
    _meeting(branch, people, Meeting.Kind.LECTURE, "党课：党章学习", rng.randint(7, 14), lecturer="支部书记")


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True).order_by("path")
    for branch in branches:
        _seed_branch(branch, rng)
    _demo_leave()


def _demo_leave() -> None:
    """The demo member asks for leave from their branch's next party lecture (once)."""
    member_user = User.objects.filter(username="member").first()
    member = getattr(member_user, "member", None) if member_user else None
    if member is None:
        return
    row = (
        Attendee.objects.filter(
            member=member, meeting__kind=Meeting.Kind.LECTURE, meeting__starts_at__gt=timezone.now(), leave=""
        )
        .select_related("meeting")
        .first()
    )
    if row is not None and not Attendee.objects.filter(member=member).exclude(leave="").exists():
        leave_request(acting_user=member_user, attendee=row, reason="外出参加学术会议")
