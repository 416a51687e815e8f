"""Date arithmetic and rule lookups by date for the reminder sources."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from dateutil.relativedelta import relativedelta

from services.rules.resolver import RuleValue, rule


def add_months(day: date, months: int) -> date:
    """Calendar months; the 31st lands on the last day of a shorter month (Aug 31 + 6 = Feb 28/29)."""
    return day + relativedelta(months=months)


def add_years(day: date, years: int) -> date:
    """Calendar years; Feb 29 + 1 year is Feb 28."""
    return day + relativedelta(years=years)


def rule_by_date(key: str, *, today: date) -> Callable[[date], RuleValue]:
    """``rule(key, on=d)`` for many dates ``d <= today`` without a query per date.

    The version in force today (an override or the standard) was also in force on every day
    since its ``effective_from``: no later version can start between such a day and today, or it
    would be today's. So only days before that date (or after today) need the resolver, memoized.
    """
    current = rule(key, on=today)
    earlier: dict[date, RuleValue] = {}

    def on(day: date) -> RuleValue:
        if current.effective_from <= day <= today:
            return current
        if day not in earlier:
            earlier[day] = rule(key, on=day)
        return earlier[day]

    return on
