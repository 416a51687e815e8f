"""When a person owes an ideological report (docs/thought_reports.md#due-dates): pure date
arithmetic on the stage dates of their dossier and two rules.

- applicants, activists and development targets: one every ``thought_reports.interval_months``
  (3) counted from the application date, until admission;
- probationary members: ``thought_reports.probation_reports`` (4) over the probation
  (``probation.months``, 12), one every ``probation.months / probation_reports`` months from the
  admission meeting, continuing at that pace through an extension, up to the end of probation.

Nothing is due after the person became a full member or the dossier ended. A report answers the
first due date on or after the day it is first submitted (``due_for``): a report sent in a period
is on time for that period's due date; a period with no report is missed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from services.rules.resolver import RuleValue, rules_for

RULE_KEYS = ("thought_reports.interval_months", "thought_reports.probation_reports", "probation.months")
# Never list more than this many due dates for one person (a dossier decades old).
MAX_DATES = 400


@dataclass(frozen=True)
class Cadence:
    """The rules of the schedule, resolved once (on the scan date or today)."""

    interval: RuleValue  # thought_reports.interval_months
    probation_reports: RuleValue  # thought_reports.probation_reports
    probation_months: RuleValue  # probation.months

    @property
    def probation_interval(self) -> int:
        return max(1, self.probation_months.number // max(1, self.probation_reports.number))


def cadence(*, on: date) -> Cadence:
    values = rules_for(RULE_KEYS, on=on)
    return Cadence(*(values[key] for key in RULE_KEYS))


@dataclass(frozen=True)
class Stages:
    """The dates of a person's dossier the schedule reads (a member without a dossier: only the
    probation, from ``joined_on``)."""

    applied_on: date | None
    admitted_on: date | None
    probation_ends_on: date | None
    stopped_on: date | None  # confirmed (full member) or ended


def _every(start: date, months: int, *, before: date | None, until: date | None) -> Iterator[date]:
    for k in range(1, MAX_DATES + 1):
        day = start + relativedelta(months=months * k)
        if (before is not None and day >= before) or (until is not None and day > until):
            return
        yield day


def due_dates(stages: Stages, *, rules: Cadence, until: date) -> list[date]:
    """Every due date of this person up to ``until`` (inclusive), in order."""
    stop = min(d for d in (stages.stopped_on, until) if d is not None)
    dates: list[date] = []
    if stages.applied_on is not None:
        dates += _every(stages.applied_on, rules.interval.number, before=stages.admitted_on, until=stop)
    if stages.admitted_on is not None:
        end = min(d for d in (stages.probation_ends_on, stop) if d is not None)
        dates += _every(stages.admitted_on, rules.probation_interval, before=None, until=end)
    return dates


def due_for(stages: Stages, *, rules: Cadence, submitted_on: date) -> date | None:
    """The due date a report first submitted on ``submitted_on`` answers: the first one on or after
    it (None: nothing is due any more, e.g. after confirmation)."""
    horizon = submitted_on + relativedelta(months=max(rules.interval.number, rules.probation_interval) + 1)
    return next((d for d in due_dates(stages, rules=rules, until=horizon) if d >= submitted_on), None)


def cited(stages: Stages, *, rules: Cadence, day: date) -> RuleValue:
    """The rule that set ``day``: the probation count during probation, else the interval."""
    in_probation = stages.admitted_on is not None and day > stages.admitted_on
    return rules.probation_reports if in_probation else rules.interval
