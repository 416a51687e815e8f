"""Reads of organizational life, narrowed through ``scope_for``: a meeting is seen by those who see
its unit (secretaries, committee members, unit admins) and managed by those who manage it; a
person on a meeting's list reads their own row through 我的会议 (``my_meetings``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit
from services.organization.scope import Scope, scope_for

from .attendance_lists import branch_of
from .leave import own_attendee_q
from .models import Attendee, Meeting

PERIODS = ("upcoming", "month", "quarter", "year", "past", "all")
INVITEE_STAGES = ("activist", "target")


def meeting_list(
    *,
    acting_user: Any,
    scope: Scope | None = None,
    unit_id: int | None = None,
    kind: str = "",
    period: str = "all",
    now: datetime | None = None,
) -> QuerySet[Meeting]:
    """Meetings of the units the user sees, newest first; ``unit_id`` a branch (its party groups'
    meetings included) or a group, ``kind`` one kind, ``period`` one of ``PERIODS``."""
    scope = scope or scope_for(acting_user)
    meetings = Meeting.objects.filter(scope.units_q("unit__")).select_related("unit", "host", "recorder")
    if unit_id:
        meetings = meetings.filter(Q(unit_id=unit_id) | Q(unit__parent_id=unit_id))
    if kind in Meeting.Kind.values:
        meetings = meetings.filter(kind=kind)
    return period_filter(meetings, period=period, now=now or timezone.now()).order_by("-starts_at", "-id")


def period_filter(meetings: QuerySet[Meeting], *, period: str, now: datetime) -> QuerySet[Meeting]:
    """``upcoming``: not started; ``past``: started; ``month``/``quarter``/``year``: starting in
    the current calendar month, quarter or year (local time); anything else: all."""
    if period == "upcoming":
        return meetings.filter(starts_at__gt=now)
    if period == "past":
        return meetings.filter(starts_at__lte=now)
    today = timezone.localdate(now)
    if period == "month":
        start = today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
    elif period == "quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = (start + timedelta(days=95)).replace(day=1)
    elif period == "year":
        start, end = date(today.year, 1, 1), date(today.year + 1, 1, 1)
    else:
        return meetings
    return meetings.filter(starts_at__date__gte=start, starts_at__date__lt=end)


def meeting_get(*, acting_user: Any, pk: int) -> Meeting:
    """One meeting the user may see; ``Meeting.DoesNotExist`` otherwise (a 404)."""
    scope = scope_for(acting_user)
    return Meeting.objects.filter(scope.units_q("unit__")).select_related("unit", "host", "recorder").get(pk=pk)


@dataclass(frozen=True)
class Counts:
    expected: int
    excused: int  # approved leave
    present: int  # checked in (guests included)
    leave_waiting: int

    @property
    def absent(self) -> int:
        """Expected, not excused and not present (so far)."""
        return max(self.expected - self.excused - self.present_expected, 0)

    present_expected: int = 0


def meeting_attendees(meeting: Meeting) -> list[Attendee]:
    """The meeting's list, expected first, then by role and name (one query; bounded by the branch)."""
    return list(meeting.attendees.select_related("member", "dossier").order_by("-expected", "role", "name", "id"))


def attendee_counts(attendees: list[Attendee]) -> Counts:
    expected = [row for row in attendees if row.expected]
    return Counts(
        expected=len(expected),
        excused=sum(1 for row in expected if row.excused),
        present=sum(1 for row in attendees if row.present),
        leave_waiting=sum(1 for row in expected if row.leave == Attendee.Leave.REQUESTED),
        present_expected=sum(1 for row in expected if row.present),
    )


def managed_units(*, acting_user: Any) -> QuerySet[OrgUnit]:
    """Open branches and party groups whose meetings the user may plan."""
    scope = scope_for(acting_user)
    return OrgUnit.objects.filter(
        scope.units_q(manage=True),
        kind__in=[OrgUnit.Kind.BRANCH, OrgUnit.Kind.PARTY_GROUP],
        closed_on__isnull=True,
    ).order_by("path")


def branch_members(unit: OrgUnit) -> QuerySet[Member]:
    """Members on the roll of the unit's branch: hosts, recorders and talk participants."""
    return Member.objects.filter(branch=branch_of(unit)).exclude(status__in=OFF_ROLL_STATUSES).order_by("name", "pk")


def branch_invitees(unit: OrgUnit) -> QuerySet[Any]:
    """The branch's activists and development targets, who may be invited (列席)."""
    from services.development.models import Dossier

    return Dossier.objects.filter(branch=branch_of(unit), stage__in=INVITEE_STAGES).order_by("name", "pk")


@dataclass(frozen=True)
class MyMeetings:
    upcoming: list[Attendee]
    history: list[Attendee]


def my_meetings(*, acting_user: Any, now: datetime | None = None, limit: int = 50) -> MyMeetings:
    """The acting user's rows on meeting lists (their member record's, or as an invitee their
    dossier's): meetings not yet ended, soonest first, and the history, newest first (two queries)."""
    now = now or timezone.now()
    mine = Attendee.objects.filter(own_attendee_q(acting_user)).select_related("meeting__unit")
    upcoming = mine.filter(meeting__ends_at__gt=now).order_by("meeting__starts_at", "meeting_id")[:limit]
    history = mine.filter(meeting__ends_at__lte=now).order_by("-meeting__starts_at", "-meeting_id")[:limit]
    return MyMeetings(upcoming=list(upcoming), history=list(history))


def my_attendee(*, acting_user: Any, meeting_pk: int) -> Attendee:
    """The acting user's own row on one meeting's list; ``Attendee.DoesNotExist`` otherwise."""
    return (
        Attendee.objects.filter(own_attendee_q(acting_user), meeting_id=meeting_pk)
        .select_related("meeting__unit")
        .get()
    )


def leave_waiting(*, acting_user: Any, scope: Scope | None = None) -> QuerySet[Attendee]:
    """Leave requests of planned meetings in the units the user manages, soonest meeting first."""
    scope = scope or scope_for(acting_user)
    return (
        Attendee.objects.filter(
            scope.units_q("meeting__unit__", manage=True),
            leave=Attendee.Leave.REQUESTED,
            meeting__status=Meeting.Status.PLANNED,
        )
        .select_related("meeting__unit")
        .order_by("meeting__starts_at", "meeting_id", "name", "pk")
    )


def attendee_get(*, acting_user: Any, pk: int) -> Attendee:
    """One row of a meeting the user sees; ``Attendee.DoesNotExist`` otherwise."""
    scope = scope_for(acting_user)
    return Attendee.objects.filter(scope.units_q("meeting__unit__")).select_related("meeting__unit").get(pk=pk)


def branch_get(*, acting_user: Any, pk: int) -> OrgUnit:
    """A branch the user sees; ``OrgUnit.DoesNotExist`` otherwise."""
    scope = scope_for(acting_user)
    return OrgUnit.objects.filter(scope.units_q(), kind=OrgUnit.Kind.BRANCH).get(pk=pk)
