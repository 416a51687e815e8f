"""Reads of minutes: whose meetings a user sees, who may draft or confirm, the attendance summary
read from the attendee rows, and a branch's year of meetings for the PDF.

A meeting's minutes are seen by those whose scope covers its unit (the secretary, committee
members, unit admins), its host, its recorder and the people on its list; drafted by its recorder
or a manager of its unit; confirmed by the accounts of its host and its recorder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from services.organization.models import OrgUnit
from services.organization.scope import Scope, can_manage, scope_for

from .models import Attendee, Meeting, Minutes


def visible_meetings(*, acting_user: Any, scope: Scope | None = None) -> QuerySet[Meeting]:
    """Meetings whose minutes ``acting_user`` may read."""
    if not getattr(acting_user, "is_authenticated", False):
        return Meeting.objects.none()
    scope = scope or scope_for(acting_user)
    meetings = Meeting.objects.select_related("unit", "host", "recorder")
    if scope.everything:  # (an empty Q would vanish from the OR below)
        return meetings
    mine = Q(host__user=acting_user) | Q(recorder__user=acting_user)
    listed = Attendee.objects.filter(member__user=acting_user).values("meeting_id")
    return meetings.filter(scope.units_q("unit__") | mine | Q(pk__in=listed))


def meeting_get(*, acting_user: Any, pk: int) -> Meeting:
    """One meeting whose minutes the user may read; ``Meeting.DoesNotExist`` otherwise (a 404)."""
    return visible_meetings(acting_user=acting_user).get(pk=pk)


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.select_related("template").filter(meeting=meeting).first()


def is_recorder(*, acting_user: Any, meeting: Meeting) -> bool:
    return bool(
        meeting.recorder is not None and getattr(acting_user, "pk", None) and meeting.recorder.user_id == acting_user.pk
    )


def is_host(*, acting_user: Any, meeting: Meeting) -> bool:
    return bool(
        meeting.host is not None and getattr(acting_user, "pk", None) and meeting.host.user_id == acting_user.pk
    )


def can_draft(*, acting_user: Any, meeting: Meeting) -> bool:
    """The recorder drafts the minutes; a manager of the meeting's unit may too."""
    return is_recorder(acting_user=acting_user, meeting=meeting) or can_manage(
        acting_user=acting_user, unit=meeting.unit
    )


def can_add_addendum(*, acting_user: Any, meeting: Meeting) -> bool:
    """A correction comes from the host, the recorder or a manager of the unit."""
    return is_host(acting_user=acting_user, meeting=meeting) or can_draft(acting_user=acting_user, meeting=meeting)


def meeting_held(meeting: Meeting) -> bool:
    """Held: not cancelled and started (the same reading as the compliance figure)."""
    return meeting.status == Meeting.Status.PLANNED and meeting.starts_at <= timezone.now()


@dataclass
class AttendanceSummary:
    expected: int = 0
    present: list[str] = field(default_factory=list)
    excused: list[dict[str, str]] = field(default_factory=list)
    absent: list[dict[str, str]] = field(default_factory=list)
    invitees: list[str] = field(default_factory=list)  # 列席 who came
    guests: list[str] = field(default_factory=list)  # 名单外到会

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "present_count": len(self.present),
            "present": self.present,
            "excused": self.excused,
            "absent": self.absent,
            "invitees": self.invitees,
            "guests": self.guests,
        }


def attendance_summary(meeting: Meeting) -> dict[str, Any]:
    """应到 / 实到 / 请假 / 缺席 (with reasons) from the meeting's attendee rows."""
    summary = AttendanceSummary()
    for row in Attendee.objects.filter(meeting=meeting).order_by("-expected", "role", "name", "id"):
        if row.role == Attendee.Role.GUEST:
            if row.present:
                summary.guests.append(row.name)
            continue
        if row.role == Attendee.Role.INVITEE:
            if row.present:
                summary.invitees.append(row.name)
            continue
        if not row.expected:
            continue
        summary.expected += 1
        if row.present:
            summary.present.append(row.name)
        elif row.excused:
            summary.excused.append({"name": row.name, "reason": row.leave_reason})
        else:
            reason = row.leave_reason if row.leave else ""
            summary.absent.append({"name": row.name, "reason": reason})
    return summary.as_dict()


def branch_year_meetings(*, acting_user: Any, unit: OrgUnit, year: int) -> list[Meeting]:
    """The held meetings of ``unit`` and its party groups in ``year`` the user sees, oldest first."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return list(
        visible_meetings(acting_user=acting_user)
        .filter(Q(unit=unit) | Q(unit__parent=unit), starts_at__date__gte=start, starts_at__date__lt=end)
        .filter(status=Meeting.Status.PLANNED, starts_at__lte=timezone.now())
        .order_by("starts_at", "id")
    )


def branch_get(*, acting_user: Any, pk: int) -> OrgUnit:
    """A branch the user's scope covers (for the year's record); ``OrgUnit.DoesNotExist`` otherwise."""
    scope = scope_for(acting_user)
    return OrgUnit.objects.filter(scope.units_q(), kind=OrgUnit.Kind.BRANCH).get(pk=pk)
