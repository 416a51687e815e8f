"""Organizational life's figures for oversight (services/kernel/figures.py): per branch, the
meeting periods held over the periods required, read from ``compliance.compliance`` — the one
selector the board, the plans and the reminders read (docs/orglife.md#compliance-and-plans).

A period counts once it is **held** (a meeting of the kind took place in it, even before its end)
or **overdue** (it ended without one); the current period not yet held and the periods to come
count for nothing yet. A period counts in the month it ends (a quarter in its third month), so a
month's figure is the periods that closed in it and the year's is the sum of its months. Party
group meetings count for the group's branch. No names, no member ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.utils import timezone

from services.kernel.figures import UnitFigure, shared
from services.organization.models import OrgUnit

from .compliance import HELD, OVERDUE, REQUIRED_KINDS, compliance

# kind -> month (1..12) -> branch id -> [held, counted]
Tally = dict[str, dict[int, dict[int, list[int]]]]


def _tally(year: int) -> Tally:
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True).order_by("path")
    rows = compliance(branches=branches, since=date(year, 1, 1), until=date(year, 12, 31), now=timezone.now())
    tally: Tally = {kind: defaultdict(lambda: defaultdict(lambda: [0, 0])) for kind in REQUIRED_KINDS}
    for row in rows:
        for period, status in zip(row.schedule.periods, row.statuses, strict=True):
            if status not in (HELD, OVERDUE) or period.last // 12 != year:
                continue
            counts = tally[row.kind][period.last % 12 + 1][row.branch_id]
            counts[0] += status == HELD
            counts[1] += 1
    return tally


def _summed(year: int, kinds: tuple[str, ...], months: range) -> list[UnitFigure]:
    tally = shared(("orglife.compliance", year), lambda: _tally(year))
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for kind in kinds:
        for month in months:
            for branch_id, (held, counted) in tally[kind].get(month, {}).items():
                sums[branch_id][0] += held
                sums[branch_id][1] += counted
    return [UnitFigure(unit_id=b, numerator=h, denominator=c) for b, (h, c) in sorted(sums.items()) if c]


def held_figures(*, year: int) -> list[UnitFigure]:
    """Every required kind together, for the year."""
    return _summed(year, REQUIRED_KINDS, range(1, 13))


def held_by_month(*, year: int) -> dict[int, list[UnitFigure]]:
    """Every required kind together, per month of the year (the periods that ended in it)."""
    return {month: _summed(year, REQUIRED_KINDS, range(month, month + 1)) for month in range(1, 13)}


def kind_figures(kind: str) -> Callable[..., list[UnitFigure]]:
    """The source of one kind's figure for the year."""

    def figures(*, year: int) -> list[UnitFigure]:
        return _summed(year, (kind,), range(1, 13))

    return figures
