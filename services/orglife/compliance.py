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

One aggregate query for the meetings (GROUP BY unit, kind, month; a month is the finest period,
the months are folded into periods here), one for the party groups, two per distinct rule date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
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


@dataclass(frozen=True)
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


@dataclass
class PeriodStatus:
    period: Period
    status: str
    held: int
    planned: int  # planned meetings of the kind in the period that have not started yet

    @property
    def label(self) -> str:
        return self.period.label


@dataclass
class KindCompliance:
    """One unit's one required kind over the range: its periods, with the rule each was read from."""

    unit_id: int
    unit_name: str
    branch_id: int
    kind: str
    periods: list[PeriodStatus] = field(default_factory=list)
    rules: list[RuleValue] = field(default_factory=list)  # the rule of each period, in order

    @property
    def kind_label(self) -> str:
        return str(Meeting.Kind(self.kind).label)

    @property
    def rule(self) -> RuleValue:
        """The rule of the last period of the range (the one a page shows beside the row)."""
        return self.rules[-1]

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = defaultdict(int)
        for row in self.periods:
            found[row.status] += 1
        return dict(found)

    def on(self, day: date) -> PeriodStatus | None:
        """The period that contains ``day``, if the range covers it."""
        return next((row for row in self.periods if row.period.start <= day < row.period.end), None)


class RuleCalendar:
    """The rules of every required kind, resolved on the first day of a month (cached per month)."""

    def __init__(self) -> None:
        self._by_month: dict[int, dict[str, RuleValue]] = {}

    def on(self, index: int) -> dict[str, RuleValue]:
        if index not in self._by_month:
            self._by_month[index] = rules_for(KIND_RULES.values(), on=month_start(index))
        return self._by_month[index]

    def of(self, kind: str, index: int) -> RuleValue:
        return self.on(index)[KIND_RULES[kind]]


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


def _status(period: Period, held: int, today: date) -> str:
    if held:
        return HELD
    if period.end <= today:
        return OVERDUE
    if period.start <= today:
        return DUE
    return UPCOMING


def _units(branches: Iterable[OrgUnit]) -> tuple[list[tuple[OrgUnit, str, int]], list[int]]:
    """(unit, kind, branch id) rows for every required kind of the branches and their open groups."""
    branches = list(branches)
    wanted: list[tuple[OrgUnit, str, int]] = []
    for branch in branches:
        wanted += [(branch, kind, branch.pk) for kind in BRANCH_KINDS]
    groups = OrgUnit.objects.filter(
        kind=OrgUnit.Kind.PARTY_GROUP, parent__in=[b.pk for b in branches], closed_on__isnull=True
    ).order_by("path")
    by_branch: dict[int, list[OrgUnit]] = defaultdict(list)
    for group in groups:
        by_branch[int(group.parent_id or 0)].append(group)
    ordered: list[tuple[OrgUnit, str, int]] = []
    for branch in branches:
        ordered += [row for row in wanted if row[2] == branch.pk]
        ordered += [(group, GROUP_KIND, branch.pk) for group in by_branch[branch.pk]]
    return ordered, [row[0].pk for row in ordered]


def _monthly_counts(
    unit_ids: Sequence[int], since: date, until: date, now: datetime
) -> dict[tuple[int, str, int], Any]:
    """Held and planned meetings per (unit, kind, month): one aggregate query."""
    rows = (
        Meeting.objects.filter(
            unit_id__in=unit_ids,
            kind__in=list(REQUIRED_KINDS),
            starts_at__gte=local_midnight(since),
            starts_at__lt=local_midnight(until),
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(month=TruncMonth("starts_at"))
        .order_by()
        .values_list("unit_id", "kind", "month")
        .annotate(held=Count("pk", filter=held_q(now)), planned=Count("pk", filter=Q(starts_at__gt=now)))
    )
    counts: dict[tuple[int, str, int], Any] = {}
    for unit_id, kind, month, held, planned in rows:
        counts[(unit_id, kind, month_index(timezone.localtime(month).date()))] = (held, planned)
    return counts


def compliance(
    *, branches: Iterable[OrgUnit], since: date, until: date, now: datetime | None = None
) -> list[KindCompliance]:
    """Held vs required for every branch of ``branches`` and its party groups, for the periods that
    cover the months ``since``..``until`` (both included, any day of the month), as of ``now``.
    One row per unit and required kind, the branch's kinds then its groups, in the given order."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    first, last = month_index(since), month_index(until)
    rules = RuleCalendar()
    units, unit_ids = _units(branches)
    schedule = {kind: periods_of(kind, first, last, rules) for kind in REQUIRED_KINDS}
    earliest = min(periods[0][0].first for periods in schedule.values())
    latest = max(periods[-1][0].last for periods in schedule.values())
    counts = _monthly_counts(unit_ids, month_start(earliest), month_start(latest + 1), now)
    result: list[KindCompliance] = []
    for unit, kind, branch_id in units:
        row = KindCompliance(unit_id=unit.pk, unit_name=unit.name, branch_id=branch_id, kind=kind)
        for period, cited in schedule[kind]:
            held = planned = 0
            for index in range(period.first, period.last + 1):
                found = counts.get((unit.pk, kind, index))
                if found:
                    held, planned = held + found[0], planned + found[1]
            row.periods.append(
                PeriodStatus(period=period, status=_status(period, held, today), held=held, planned=planned)
            )
            row.rules.append(cited)
        result.append(row)
    return result


def branches_in_sight(*, scope: Any) -> Any:
    """The open branches a scope sees, in tree order (``Scope.units_q``)."""
    return OrgUnit.objects.filter(scope.units_q(), kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True).order_by("path")
