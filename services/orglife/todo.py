"""What organizational life asks of the signed-in person today, for the institution's front page
(the secretary's to-do list; docs/orglife.md "To-do"): meetings whose check-in is open now and
the next ones they are on the list of; for managers, leave waiting for a decision and the minutes
of the last three months' meetings not yet finalized. A handful of bounded queries; the rule-set
compliance (due and overdue types) reaches managers as reminders from the daily scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from services.organization.scope import Scope, scope_for

from .checkin import checkin_open
from .compliance import held_q
from .models import Meeting, Minutes
from .selectors import leave_waiting, my_meetings

SHOWN = 5
MINUTES_WITHIN_DAYS = 90


@dataclass
class Todo:
    checkin_now: list[Meeting] = field(default_factory=list)
    upcoming: list[Meeting] = field(default_factory=list)
    leave_waiting: int = 0
    minutes_pending: list[Meeting] = field(default_factory=list)
    minutes_pending_count: int = 0

    @property
    def empty(self) -> bool:
        return not (self.checkin_now or self.upcoming or self.leave_waiting or self.minutes_pending_count)


def orglife_todo(*, acting_user: Any, scope: Scope | None = None) -> Todo:
    now = timezone.now()
    todo = Todo()
    mine = my_meetings(acting_user=acting_user, now=now, limit=SHOWN)
    for row in mine.upcoming:
        if row.meeting.status != Meeting.Status.PLANNED:
            continue
        (todo.checkin_now if checkin_open(row.meeting, now) else todo.upcoming).append(row.meeting)
    scope = scope or scope_for(acting_user)
    if scope.is_manager:
        todo.leave_waiting = leave_waiting(acting_user=acting_user, scope=scope).count()
        pending = (
            Meeting.objects.filter(
                scope.units_q("unit__", manage=True),
                held_q(now),
                starts_at__gte=now - timedelta(days=MINUTES_WITHIN_DAYS),
            )
            .exclude(kind=Meeting.Kind.TALK)
            .exclude(minutes__status=Minutes.Status.FINALIZED)
            .select_related("unit")
            .order_by("starts_at", "pk")
        )
        todo.minutes_pending = list(pending[:SHOWN])
        todo.minutes_pending_count = len(todo.minutes_pending) if len(todo.minutes_pending) < SHOWN else pending.count()
    return todo
