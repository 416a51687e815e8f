"""Reminders of organizational life about people: leave waiting for a decision (to the unit's
managers), and a member absent from the last three meetings they were expected at (to the
branch's secretaries only)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from services.organization.models import Position
from services.orglife.models import Attendee, Meeting
from services.orglife.reminders_attendance import ABSENT_THREE, LEAVE_WAITING, absent_three, leave_waiting
from tenants.models import Institution
from tests.conftest import make_user

from .conftest import Branch, plan

pytestmark = pytest.mark.django_db


def past(days: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 14))


def test_a_leave_request_waits_for_the_units_managers(branch: Branch) -> None:
    meeting = plan(branch)
    done = plan(branch, starts_at=past(3))
    for m in (meeting, done):
        Attendee.objects.filter(meeting=m, member=branch.members[5]).update(
            leave=Attendee.Leave.REQUESTED, leave_reason="出差"
        )
    due = list(leave_waiting(timezone.localdate()))
    assert [d.kind for d in due] == [LEAVE_WAITING]  # the past meeting's request is moot
    assert branch.secretary.pk in due[0].recipient_ids
    assert branch.members[5].name in due[0].title and due[0].due_on == timezone.localtime(meeting.starts_at).date()


def test_three_absences_in_a_row_go_to_the_secretary_only(branch: Branch, inst_a: Institution) -> None:
    organizer = make_user(inst_a, username="rm_org")
    branch.members[1].user = organizer  # the organization officer manages the branch, but is not told
    branch.members[1].save(update_fields=["user"])
    meetings = [plan(branch, starts_at=past(days)) for days in (40, 30, 20, 10)]
    absentee, excused, came_once = branch.members[5], branch.members[6], branch.members[7]
    for meeting in meetings:
        Attendee.objects.filter(meeting=meeting).exclude(member__in=[absentee, excused, came_once]).update(
            checked_in_at=meeting.starts_at
        )
    Attendee.objects.filter(meeting=meetings[2], member=excused).update(leave=Attendee.Leave.APPROVED)
    Attendee.objects.filter(meeting=meetings[3], member=came_once).update(checked_in_at=meetings[3].starts_at)
    due = {d.member_id: d for d in absent_three(timezone.localdate())}
    assert set(due) == {absentee.pk}  # excused once, came once, everyone else came
    item = due[absentee.pk]
    assert item.kind == ABSENT_THREE and item.recipient_ids == (branch.secretary.pk,)
    assert item.key.endswith(f":{meetings[3].pk}") and item.due_on == timezone.localtime(meetings[3].starts_at).date()


def test_cancelled_and_future_meetings_are_not_absences(branch: Branch) -> None:
    held = [plan(branch, starts_at=past(days)) for days in (30, 20)]
    cancelled = plan(branch, starts_at=past(10))
    Meeting.objects.filter(pk=cancelled.pk).update(status=Meeting.Status.CANCELLED)
    plan(branch)  # tomorrow
    assert held and list(absent_three(timezone.localdate())) == []
    Position.objects.filter(member=branch.members[0]).delete()  # no secretary: nobody to tell
    plan(branch, starts_at=past(5), acting_user=None)
    assert all(d.recipient_ids == () for d in absent_three(timezone.localdate()))


def test_minutes_not_finalized_a_week_after_the_meeting_are_reminded(branch: Branch, inst_a: Institution) -> None:
    from services.orglife.reminders_attendance import MINUTES_PENDING, minutes_pending

    recorder = make_user(inst_a, username="rm_recorder")
    branch.members[1].user = recorder
    branch.members[1].save(update_fields=["user"])
    old = plan(branch, starts_at=past(10), topic="十天前的会")
    plan(branch, starts_at=past(3), topic="三天前的会")  # within the seven days
    talk = plan(branch, kind=Meeting.Kind.TALK, starts_at=past(10), participants=[branch.members[3]])
    due = list(minutes_pending(timezone.localdate()))
    assert [d.key for d in due] == [f"{MINUTES_PENDING}:{old.pk}"]  # the talk has no minutes to finalize
    assert set(due[0].recipient_ids) >= {branch.secretary.pk, recorder.pk}
    assert due[0].due_on == timezone.localtime(old.ends_at).date() + timedelta(days=7)
    assert due[0].rule_key == "meetings.minutes_finalize_days"
    assert f"{MINUTES_PENDING}:{talk.pk}" not in [d.key for d in due]
