"""The demo data of organizational life: per branch a party group with members, past meetings with
attendance and upcoming ones; the demo member's leave request waits for the secretary; a second
run adds nothing."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.utils import timezone

from services.members.models import Member
from services.orglife.demo_data import seed_institution
from services.orglife.models import Attendee, Meeting
from tests.conftest import make_user

from .conftest import Branch

pytestmark = pytest.mark.django_db


def test_the_demo_plans_meetings_groups_and_a_leave_request_once(branch: Branch, inst_a: Any) -> None:
    demo_member = make_user(inst_a, username="member")
    branch.members[5].user = demo_member
    branch.members[5].save(update_fields=["user"])
    Member.objects.update(party_group=None)
    seed_institution(institution=inst_a, rng=random.Random(0))
    now = timezone.now()
    meetings = Meeting.objects.filter(unit__path__startswith=branch.unit.path)
    kinds = set(meetings.values_list("kind", flat=True))
    assert kinds == {"member_meeting", "theme_day", "committee_meeting", "group_meeting", "lecture"}
    assert meetings.filter(starts_at__lt=now).count() == 2 and meetings.filter(starts_at__gt=now).count() == 3
    assert Member.objects.filter(party_group=branch.group).count() == 4
    past = meetings.filter(starts_at__lt=now)
    assert Attendee.objects.filter(meeting__in=past, checked_in_at__isnull=False).exists()
    assert Attendee.objects.filter(meeting__in=past, leave="approved").count() == 2
    waiting = Attendee.objects.get(leave="requested")
    assert waiting.member_id == branch.members[5].pk and waiting.meeting.kind == "lecture"
    seed_institution(institution=inst_a, rng=random.Random(1))
    assert Meeting.objects.count() == 5 and Attendee.objects.filter(leave="requested").count() == 1
