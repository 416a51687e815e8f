"""The front page starts with what asks for the reader today: a meeting whose check-in is open
and the next ones for a member; for the branch's managers also leave waiting for a decision and
minutes not finalized."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from services.orglife.models import Attendee
from services.orglife.todo import orglife_todo
from tenants.models import Institution
from tests.conftest import client_for, make_user

from .conftest import Branch, plan, soon

pytestmark = pytest.mark.django_db


def test_a_member_sees_the_meeting_checking_in_now_and_the_next_one(branch: Branch, inst_a: Institution) -> None:
    user = make_user(inst_a, username="td_member")
    branch.members[6].user = user
    branch.members[6].save(update_fields=["user"])
    now = timezone.now()
    checking = plan(
        branch, topic="正在签到的会", starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(hours=1)
    )
    later = plan(branch, topic="下周的会", starts_at=soon(days=7))
    todo = orglife_todo(acting_user=user)
    assert (todo.checkin_now, todo.upcoming) == ([checking], [later])
    assert todo.leave_waiting == 0 and todo.minutes_pending == []  # not a manager
    home = client_for(inst_a, user).get(reverse("home")).content.decode()
    assert "正在签到的会" in home and "下周的会" in home


def test_the_secretary_sees_leave_to_decide_and_minutes_to_finalize(branch: Branch, inst_a: Institution) -> None:
    upcoming = plan(branch)
    Attendee.objects.filter(meeting=upcoming, member=branch.members[5]).update(leave=Attendee.Leave.REQUESTED)
    held = plan(branch, topic="上周的支部党员大会", starts_at=soon(days=-7))
    todo = orglife_todo(acting_user=branch.secretary)
    assert todo.leave_waiting == 1
    assert todo.minutes_pending == [held] and todo.minutes_pending_count == 1
    home = client_for(inst_a, branch.secretary).get(reverse("home")).content.decode()
    assert "1 条请假申请等待审批" in home and "上周的支部党员大会" in home
    assert reverse("orglife_minutes:detail", args=[held.pk]) in home


def test_the_to_do_takes_a_fixed_number_of_queries(branch: Branch) -> None:
    """Past the five shown, more meetings cost nothing more (one count says how many)."""
    for days in range(1, 7):
        plan(branch, starts_at=soon(days=days))
        plan(branch, starts_at=soon(days=-days))
    with CaptureQueriesContext(connection) as few:
        orglife_todo(acting_user=branch.secretary)
    for days in range(8, 14):
        plan(branch, starts_at=soon(days=days))
        plan(branch, starts_at=soon(days=-days))
    with CaptureQueriesContext(connection) as many:
        todo = orglife_todo(acting_user=branch.secretary)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert todo.minutes_pending_count == 12 and len(todo.minutes_pending) == 5
