"""Reminder sources of organizational life (services/reminders/registry.py).

- ``orglife.compliance``: a required meeting type of a branch (or of a party group) whose current
  period ends within ``reminders.lead_days`` with no meeting held and none planned (due), or
  whose previous period ended without one (overdue), to the managers of the unit. Read from the
  compliance selector (compliance.py) for every open branch of the institution at once, as of the
  scan day's start; the key names the period, so a meeting held or planned closes it at the next
  scan and the next period is a new reminder. Only once the institution uses organizational life
  (its first meeting, ``in_use_since``) and for periods that end after that day: an institution
  that starts with the capability is not told on its first morning that every branch missed
  everything.
- ``orglife.tomorrow``: a meeting that starts tomorrow, to each expected attendee with an
  account (one query over the attendance lists).

The sources about people (leave waiting, three absences in a row) are in reminders_attendance.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from services.organization.models import OrgUnit
from services.reminders.recipients import managers, recipients
from services.reminders.registry import Due, reminder_source, url_maker
from services.rules.resolver import rule

from . import reminders_attendance  # noqa: F401  (registers the sources about people)
from .compliance import DUE, OVERDUE, KindCompliance, Period, compliance, local_midnight, month_index, month_start
from .models import Attendee, Meeting


def _compliance_due(row: KindCompliance, period: Period, status: str, branch_url: str, people: Any) -> Due:
    last_day = period.end - timedelta(days=1)
    names = {"unit": row.unit_name, "kind": row.kind_label, "period": period.label}
    if status == OVERDUE:
        title = _("%(unit)s%(period)s未召开%(kind)s") % names
    else:
        title = _("%(unit)s%(period)s的%(kind)s尚未召开（%(last)s 前）") % {**names, "last": last_day.isoformat()}
    return Due(
        key=f"orglife.compliance:{row.unit_id}:{row.kind}:{period.start.isoformat()}",
        kind="orglife.compliance",
        title=title,
        due_on=last_day,
        recipient_ids=people.of_unit(row.unit_id),
        url=branch_url,
        rule_key=row.rule.key,
        citation=row.rule.explanation,
        detail=row.unit_name,
    )


def in_use_since() -> date | None:
    """The day the institution recorded its first meeting (planned or held): before it, the
    capability was not in use, and no branch is reminded of the periods that ended earlier."""
    first = Meeting.objects.aggregate(first=Min("starts_at"))["first"]
    return timezone.localtime(first).date() if first is not None else None


@reminder_source("orglife.compliance")
def meeting_type_due(today: date) -> Iterator[Due]:
    adopted = in_use_since()
    if adopted is None:
        return
    horizon = today + timedelta(days=rule("reminders.lead_days", on=today).number)
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True).order_by("path")
    # From the month before today: the previous period of every kind, and the current one.
    since = month_start(month_index(today) - 1)
    rows = compliance(branches=branches, since=since, until=today, now=local_midnight(today))
    people = managers(on=today)
    branch_url = url_maker("orglife_board:branch")
    for row in rows:
        statuses = row.statuses
        for i, period in enumerate(row.schedule.periods):
            # The range starts last month: a period over by today is the previous one.
            status = statuses[i]
            if period.end <= adopted:
                continue
            wanted = status == OVERDUE or (
                status == DUE and not row.planned[i] and period.end - timedelta(days=1) <= horizon
            )
            if wanted:
                yield _compliance_due(row, period, status, branch_url(row.branch_id), people)


@reminder_source("orglife.tomorrow")
def meeting_tomorrow(today: date) -> Iterator[Due]:
    tomorrow = today + timedelta(days=1)
    rows = (
        Attendee.objects.filter(
            expected=True,
            member__user__isnull=False,
            meeting__starts_at__gte=local_midnight(tomorrow),
            meeting__starts_at__lt=local_midnight(tomorrow + timedelta(days=1)),
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .exclude(leave=Attendee.Leave.APPROVED)
        .values_list(
            "meeting_id",
            "meeting__kind",
            "meeting__topic",
            "meeting__starts_at",
            "meeting__place",
            "meeting__unit__name",
            "member__user_id",
        )
    )
    meetings: dict[int, tuple[Any, ...]] = {}
    users: dict[int, list[int]] = defaultdict(list)
    for meeting_id, *fields, user_id in rows:
        meetings[meeting_id] = tuple(fields)
        users[meeting_id].append(user_id)
    for meeting_id, (kind, topic, starts_at, place, unit_name) in meetings.items():
        title = _("明天 %(time)s %(kind)s：%(topic)s") % {
            "time": timezone.localtime(starts_at).strftime("%H:%M"),
            "kind": Meeting.Kind(kind).label,
            "topic": topic,
        }
        yield Due(
            key=f"orglife.tomorrow:{meeting_id}",
            kind="orglife.tomorrow",
            title=title,
            due_on=tomorrow,
            recipient_ids=recipients(users[meeting_id]),
            detail=" · ".join(part for part in (unit_name, place) if part),
        )
