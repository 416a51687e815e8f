"""Reminder sources of organizational life about people (services/reminders/registry.py):

- ``orglife.leave_waiting``: a leave request (请假) not yet decided for a meeting that has not
  started — to the managers of the meeting's unit; due on the meeting's day.
- ``orglife.minutes_pending``: the minutes of a held meeting (not a heart-to-heart talk) not
  finalized ``meetings.minutes_finalize_days`` after it ended — to the managers of its unit and to
  its host and recorder, who confirm them; due on that day. Meetings of the last 90 days only.
- ``orglife.absent_three``: a member who missed the last three meetings they were expected at
  (held, not cancelled; approved leave is not an absence) — to the branch's secretary only
  (副书记 included), never to the member or the wider management; due on the third missed
  meeting's day, once per run of absences.
Each is one or two queries for the institution.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import Position
from services.organization.scope import current_positions_q
from services.reminders.recipients import managers, recipients
from services.reminders.registry import Due, reminder_source, url_maker
from services.rules.resolver import rule

from .models import Attendee, Meeting, Minutes

LEAVE_WAITING = "orglife.leave_waiting"
MINUTES_PENDING = "orglife.minutes_pending"
MINUTES_RULE = "meetings.minutes_finalize_days"
MINUTES_WITHIN_DAYS = 90
ABSENT_THREE = "orglife.absent_three"
IN_A_ROW = 3


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


@reminder_source(LEAVE_WAITING)
def leave_waiting(today: date) -> Iterator[Due]:
    waiting = Attendee.objects.filter(
        leave=Attendee.Leave.REQUESTED,
        meeting__status=Meeting.Status.PLANNED,
        meeting__starts_at__gt=timezone.now(),
    ).values_list("pk", "name", "meeting_id", "meeting__topic", "meeting__starts_at", "meeting__unit_id")
    who = None
    for pk, name, meeting_id, topic, starts_at, unit_id in waiting:
        who = who or managers(on=today)
        day = timezone.localtime(starts_at).date()
        yield Due(
            key=f"{LEAVE_WAITING}:{pk}",
            kind=LEAVE_WAITING,
            title=_("%(name)s 请假待审批：%(topic)s") % {"name": name, "topic": topic},
            due_on=day,
            recipient_ids=who.of_unit(unit_id),
            detail=_("会议时间 %(when)s") % {"when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M")},
            extra={"meeting": str(meeting_id)},
        )


@reminder_source(MINUTES_PENDING)
def minutes_pending(today: date) -> Iterator[Due]:
    days = rule(MINUTES_RULE, on=today)
    ended_by = _end_of(today - timedelta(days=days.number))
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            ends_at__lte=ended_by,
            starts_at__gte=_end_of(today - timedelta(days=MINUTES_WITHIN_DAYS)),
        )
        .exclude(kind=Meeting.Kind.TALK)
        .exclude(minutes__status=Minutes.Status.FINALIZED)
        .values_list("pk", "topic", "ends_at", "unit_id", "host__user_id", "recorder__user_id")
    )
    who = None
    url = None
    for pk, topic, ends_at, unit_id, host_user, recorder_user in meetings:
        who = who or managers(on=today)
        url = url or url_maker("orglife_minutes:detail")
        ended = timezone.localtime(ends_at).date()
        yield Due(
            key=f"{MINUTES_PENDING}:{pk}",
            kind=MINUTES_PENDING,
            title=_("“%(topic)s”的会议纪要尚未定稿") % {"topic": topic},
            due_on=ended + timedelta(days=days.number),
            recipient_ids=recipients([*who.of_unit(unit_id), host_user, recorder_user]),
            url=url(pk),
            rule_key=MINUTES_RULE,
            citation=days.explanation,
            detail=_("会议于 %(day)s 召开") % {"day": ended.isoformat()},
        )


def _latest_expected(today: date) -> Iterator[tuple[int, int, str, int, bool, datetime]]:
    """For every member on the roll, their last three expected attendances at held meetings, newest
    first: (member id, meeting id, name, branch id, absent, meeting start)."""
    held = Q(
        expected=True,
        role=Attendee.Role.MEMBER,
        member__isnull=False,
        meeting__status=Meeting.Status.PLANNED,
        meeting__starts_at__lte=_end_of(today),
    )
    rows = (
        Attendee.objects.filter(held)
        .exclude(member__status__in=OFF_ROLL_STATUSES)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("member_id")], order_by=[F("meeting__starts_at").desc()]),
        )
        .filter(rank__lte=IN_A_ROW)
        .values_list(
            "member_id", "meeting_id", "name", "member__branch_id", "checked_in_at", "leave", "meeting__starts_at"
        )
    )
    for member_id, meeting_id, name, branch_id, checked_in_at, leave, starts_at in rows:
        absent = checked_in_at is None and leave != Attendee.Leave.APPROVED
        yield member_id, meeting_id, name, branch_id, absent, starts_at


def _secretaries(today: date) -> dict[int, tuple[int, ...]]:
    """The accounts of each branch's secretary and deputy secretaries on ``today``."""
    holders: dict[int, set[int]] = {}
    positions = Position.objects.filter(
        current_positions_q(on=today),
        kind__in=[Position.Kind.SECRETARY, Position.Kind.DEPUTY_SECRETARY],
        member__user__isnull=False,
    ).values_list("unit_id", "member__user_id")
    for unit_id, user_id in positions:
        holders.setdefault(unit_id, set()).add(user_id)
    return {unit_id: recipients(users) for unit_id, users in holders.items()}


@reminder_source(ABSENT_THREE)
def absent_three(today: date) -> Iterator[Due]:
    runs: dict[int, list[tuple[int, str, int, bool, datetime]]] = {}
    for member_id, meeting_id, name, branch_id, absent, starts_at in _latest_expected(today):
        runs.setdefault(member_id, []).append((meeting_id, name, branch_id, absent, starts_at))
    secretaries = None
    for member_id, run in runs.items():
        if len(run) < IN_A_ROW or not all(absent for _m, _n, _b, absent, _s in run):
            continue
        secretaries = secretaries if secretaries is not None else _secretaries(today)
        newest = max(run, key=lambda row: row[4])
        meeting_id, name, branch_id, _absent, starts_at = newest
        yield Due(
            key=f"{ABSENT_THREE}:{member_id}:{meeting_id}",
            kind=ABSENT_THREE,
            title=_("%(name)s 已连续 %(count)s 次未参加组织生活") % {"name": name, "count": IN_A_ROW},
            due_on=timezone.localtime(starts_at).date(),
            recipient_ids=secretaries.get(branch_id, ()),
            member_id=member_id,
            detail=_("请了解情况，及时谈心谈话。"),
        )
