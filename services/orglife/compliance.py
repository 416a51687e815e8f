"""Meetings held vs required (三会一课 compliance, docs/orglife.md#compliance-and-plans): the one
selector the board, the plan generator, the reminders and the API read.

- **Held** (``held_q``): not cancelled and started (``starts_at <= now``). A planned meeting still
  to come is counted apart (``planned``) and never makes a period held.
- **Required**: every meeting kind with a rule (``KIND_RULES``) is required once per period of
  ``N`` months, ``N`` read from the rule set (``rules_for``, with the institution's overrides) on
  the first day of the month the period is read from. Periods are aligned to the calendar: the
  months since year 0 divided by ``N`` (1: months, 3: quarters, 6: half-years, 12: years).
  A branch is required every kind but the party group meeting; each open party group of a branch
  is required the party group meeting.
- **Status** of a period: held (at least one held meeting of the kind in it), due (the current
  period, not yet held), overdue (a past period without one), upcoming (a future period).

One aggregate query for the meetings (GROUP BY unit, kind, month: a month is the finest period,
the months are folded into each kind's periods here), one for the party groups, two for the
rules (two more per month when a rule changes inside the range).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from services.organization.models import OrgUnit
from services.rules.resolver import RuleValue, rules_for

from .models import Meeting

# The rule of each required meeting kind (the heart-to-heart talk has no frequency rule).
KIND_RULES: dict[str, str] = {
    Meeting.Kind.MEMBER_MEETING: "meetings.member_meeting_months",
    Meeting.Kind.COMMITTEE_MEETING: "meetings.committee_meeting_months",
    Meeting.Kind.GROUP_MEETING: "meetings.group_meeting_months",
    Meeting.Kind.LECTURE: "meetings.lecture_months",
    Meeting.Kind.THEME_DAY: "meetings.theme_day_months",
    Meeting.Kind.LIFE_MEETING: "meetings.life_meeting_months",
    Meeting.Kind.APPRAISAL: "meetings.appraisal_months",
}
# Required of a branch (in the board's order), and of each of its party groups.
BRANCH_KINDS: tuple[str, ...] = (
    Meeting.Kind.MEMBER_MEETING,
    Meeting.Kind.COMMITTEE_MEETING,
    Meeting.Kind.LECTURE,
    Meeting.Kind.THEME_DAY,
    Meeting.Kind.LIFE_MEETING,
    Meeting.Kind.APPRAISAL,
)
GROUP_KIND: str = Meeting.Kind.GROUP_MEETING
REQUIRED_KINDS: tuple[str, ...] = (*BRANCH_KINDS, GROUP_KIND)

HELD = "held"
DUE = "due"
OVERDUE = "overdue"
UPCOMING = "upcoming"


def held_q(now: datetime, prefix: str = "") -> Q:
    """The one definition of a held meeting: not cancelled, and started by ``now``."""
    return Q(**{f"{prefix}starts_at__lte": now}) & ~Q(**{f"{prefix}status": Meeting.Status.CANCELLED})


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True, slots=True)
class Period:
    """Months ``first`` to ``last`` (month indexes, both included) under a rule of ``months``."""

    first: int
    last: int
    months: int

    @property
    def start(self) -> date:
        return month_start(self.first)

    @property
    def end(self) -> date:
        """The first day after the period."""
        return month_start(self.last + 1)

    @property
    def label(self) -> str:
        start, months = self.start, self.months
        if self.last == self.first:
            return _("%(year)d年%(month)d月") % {"year": start.year, "month": start.month}
        if months == 3 and start.month % 3 == 1 and self.last - self.first == 2:
            return _("%(year)d年第%(quarter)d季度") % {"year": start.year, "quarter": start.month // 3 + 1}
        if months == 6 and start.month in (1, 7) and self.last - self.first == 5:
            half = _("上半年") if start.month == 1 else _("下半年")
            return _("%(year)d年%(half)s") % {"year": start.year, "half": half}
        if months == 12 and start.month == 1 and self.last - self.first == 11:
            return _("%(year)d年") % {"year": start.year}
        last = month_start(self.last)
        return _("%(y1)d年%(m1)d月至%(y2)d年%(m2)d月") % {
            "y1": start.year,
            "m1": start.month,
            "y2": last.year,
            "m2": last.month,
        }


@dataclass(slots=True)
class PeriodStatus:
    period: Period
    status: str
    held: int
    planned: int  # planned meetings of the kind in the period that have not started yet

    @property
    def label(self) -> str:
        return self.period.label


@dataclass(frozen=True)
class Schedule:
    """The periods of one kind over the range, with the rule of each and the status each period
    has when no meeting was held in it (overdue, due, upcoming): the same for every unit."""

    periods: list[Period]
    rules: list[RuleValue]
    unheld: list[str]


@dataclass
class KindCompliance:
    """One unit's one required kind over the range: the meetings held and planned per period of
    its schedule. ``periods`` reads them as ``PeriodStatus`` rows (made on first use: a whole
    institution's figure is counts, its pages read a few branches)."""

    unit_id: int
    unit_name: str
    branch_id: int
    kind: str
    schedule: Schedule
    held: list[int]
    planned: list[int]

    @property
    def kind_label(self) -> str:
        return str(Meeting.Kind(self.kind).label)

    @property
    def rules(self) -> list[RuleValue]:
        """The rule of each period, in order."""
        return self.schedule.rules

    @property
    def rule(self) -> RuleValue:
        """The rule of the last period of the range (the one a page shows beside the row)."""
        return self.schedule.rules[-1]

    @property
    def statuses(self) -> list[str]:
        return [HELD if held else unheld for held, unheld in zip(self.held, self.schedule.unheld, strict=True)]

    @cached_property
    def periods(self) -> list[PeriodStatus]:
        return [
            PeriodStatus(period=period, status=status, held=held, planned=planned)
            for period, status, held, planned in zip(
                self.schedule.periods, self.statuses, self.held, self.planned, strict=True
            )
        ]

    def on(self, day: date) -> PeriodStatus | None:
        """The period that contains ``day``, if the range covers it."""
        return next((row for row in self.periods if row.period.start <= day < row.period.end), None)


class RuleCalendar:
    """The rules of every required kind for months ``first``..``last``, resolved on the first day
    of a month. When every version in force at the end of the range was already in force at its
    start, no rule changed in between: the end's answer serves every month (two queries)."""

    def __init__(self, first: int, last: int) -> None:
        self._by_month: dict[int, dict[str, RuleValue]] = {}
        self.last = last
        start = month_start(first)
        self.constant = all(cited.effective_from <= start for cited in self.on(last).values())

    def on(self, index: int) -> dict[str, RuleValue]:
        if index not in self._by_month:
            self._by_month[index] = rules_for(KIND_RULES.values(), on=month_start(index))
        return self._by_month[index]

    def of(self, kind: str, index: int) -> RuleValue:
        return self.on(self.last if self.constant else index)[KIND_RULES[kind]]


def periods_of(kind: str, first: int, last: int, rules: RuleCalendar) -> list[tuple[Period, RuleValue]]:
    """The periods of ``kind`` covering months ``first``..``last``: the first one starts where the
    calendar aligns it (before ``first`` when the range starts inside a quarter); when the rule
    changes, the next period is aligned under the new value and never overlaps the previous."""
    found: list[tuple[Period, RuleValue]] = []
    index = first
    while index <= last:
        cited = rules.of(kind, index)
        months = max(1, cited.number)
        aligned = index - index % months
        start = aligned if not found else max(aligned, index)
        period = Period(first=start, last=aligned + months - 1, months=months)
        found.append((period, cited))
        index = period.last + 1
    return found


def _unheld_status(period: Period, today: date) -> str:
    if period.end <= today:
        return OVERDUE
    if period.start <= today:
        return DUE
    return UPCOMING


def _units(branches: Iterable[OrgUnit]) -> list[tuple[int, str, str, int]]:
    """(unit id, name, kind, branch id) for every required kind of the branches and of their open
    party groups: a branch's kinds, then its groups."""
    pairs = [(b.pk, b.name) for b in branches]
    groups = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.PARTY_GROUP, parent__in=[p[0] for p in pairs], closed_on__isnull=True)
        .order_by("path")
        .values_list("pk", "name", "parent_id")
    )
    by_branch: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, name, parent_id in groups:
        by_branch[parent_id].append((pk, name))
    ordered: list[tuple[int, str, str, int]] = []
    for branch_id, branch_name in pairs:
        ordered += [(branch_id, branch_name, kind, branch_id) for kind in BRANCH_KINDS]
        ordered += [(pk, name, GROUP_KIND, branch_id) for pk, name in by_branch[branch_id]]
    return ordered


def _monthly_counts(unit_ids: Sequence[int], first: int, last: int, now: datetime) -> list[tuple[Any, ...]]:
    """(unit id, kind, bucket, held, planned) for months ``first``..``last`` (bucket 1 is month
    ``first``): one aggregate query. The bucket of ``starts_at`` among the months' local midnights
    (``width_bucket``, a binary search) is cheaper than converting every row to local time."""
    if not unit_ids:
        return []  # an empty IN compiles to no SQL at all (EmptyResultSet)
    bounds = [local_midnight(month_start(index)) for index in range(first, last + 2)]
    month = RawSQL("width_bucket(starts_at, %s::timestamptz[])", (bounds,), output_field=IntegerField())
    counted = (
        Meeting.objects.filter(
            unit_id__in=unit_ids, kind__in=list(REQUIRED_KINDS), starts_at__gte=bounds[0], starts_at__lt=bounds[-1]
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(month=month)
        .order_by()
        .values_list("unit_id", "kind", "month")
        .annotate(held=Count("pk", filter=held_q(now)), planned=Count("pk", filter=Q(starts_at__gt=now)))
    )
    # Plain tuples of ints and strings: the ORM's per-row converters would cost more than the query.
    sql, params = counted.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _schedules(first: int, last: int, today: date) -> dict[str, Schedule]:
    rules = RuleCalendar(first, last)
    found = {}
    for kind in REQUIRED_KINDS:
        pairs = periods_of(kind, first, last, rules)
        periods = [period for period, _ in pairs]
        found[kind] = Schedule(
            periods=periods, rules=[cited for _, cited in pairs], unheld=[_unheld_status(p, today) for p in periods]
        )
    return found


def compliance(
    *, branches: Iterable[OrgUnit], since: date, until: date, now: datetime | None = None
) -> list[KindCompliance]:
    """Held vs required for every branch of ``branches`` and its party groups, for the periods that
    cover the months ``since``..``until`` (both included, any day of the month), as of ``now``.
    One row per unit and required kind, the branch's kinds then its groups, in the given order."""
    now = now or timezone.now()
    schedules = _schedules(month_index(since), month_index(until), timezone.localtime(now).date())
    units = _units(branches)
    earliest = min(s.periods[0].first for s in schedules.values())
    latest = max(s.periods[-1].last for s in schedules.values())
    # Each kind's bucket (month - earliest + 1) → the position of its period.
    position = {
        kind: {m - earliest + 1: i for i, p in enumerate(s.periods) for m in range(p.first, p.last + 1)}
        for kind, s in schedules.items()
    }
    tallies: dict[tuple[int, str], tuple[list[int], list[int]]] = {}
    for unit_id, kind, bucket, held, planned in _monthly_counts([u[0] for u in units], earliest, latest, now):
        i = position[kind].get(bucket)
        if i is None:
            continue
        tally = tallies.get((unit_id, kind))
        if tally is None:
            size = len(schedules[kind].periods)
            tally = tallies[(unit_id, kind)] = ([0] * size, [0] * size)
        tally[0][i] += held
        tally[1][i] += planned
    result: list[KindCompliance] = []
    for unit_id, name, kind, branch_id in units:
        schedule = schedules[kind]
        held_in, planned_in = tallies.get((unit_id, kind)) or ([0] * len(schedule.periods),) * 2
        result.append(
            KindCompliance(
                unit_id=unit_id,
                unit_name=name,
                branch_id=branch_id,
                kind=kind,
                schedule=schedule,
                held=held_in,
                planned=planned_in,
            )
        )
    return result


def branches_in_sight(*, scope: Any) -> Any:
    """The open branches a scope sees, in tree order (``Scope.units_q``)."""
    return OrgUnit.objects.filter(scope.units_q(), kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True).order_by("path")
