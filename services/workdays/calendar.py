"""Working days on the Chinese calendar: statutory holidays and adjusted workdays (调休上班).

A day is a working day when it is Monday–Friday and not a holiday, or a Saturday/Sunday that the
State Council notice of its year declares an adjusted workday. Only *published* years have an
answer: asking about a day of a year that has no ``CalendarYear`` raises ``CalendarNotPublished``
(a ``LookupError`` with a Chinese message naming the year), never a Mon–Fri guess.

Counting conventions (the publicity period, rule ``development.publicity_working_days``, uses them):

- ``working_days_between(start, end)``: the number of working days d with start <= d <= end (both
  ends included); 0 when end < start.
- ``add_working_days(start, n)`` (n >= 1): the date of the n-th working day counted from ``start``
  inclusive. If ``start`` is a working day it is the 1st; otherwise the first working day after it
  is. So a publicity period that starts on S and must last >= 5 working days has its last day on
  ``add_working_days(S, 5)``; it is complete at the end of that day. Invariant:
  ``working_days_between(S, add_working_days(S, n)) == n``.
- ``nth_working_day_after(day, n)`` (n >= 1): the n-th working day strictly after ``day``
  (= ``add_working_days(day + 1 day, n)``); "within n working days after D" ends on it.

Cache: one query per year per process (``_year``), kept ``CACHE_SECONDS``. Publishing a year
(``services.workdays.services.workdays_publish``) clears this process's cache on commit; other
processes see a *new* year at once (unpublished years are never cached) and a *corrected* year
within ``CACHE_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q
from django.utils.translation import gettext

from .models import CalendarException, CalendarYear

CACHE_SECONDS = 3600
# A search for the n-th working day never needs more than this many calendar days per working day
# (the longest holiday span is 9 days); it bounds the loop against a corrupted calendar.
_MAX_SPAN_PER_DAY = 15


class CalendarNotPublished(LookupError):
    """The working-day calendar of ``year`` has not been published: no answer for its days."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            gettext(
                "%(year)s 年的节假日安排尚未发布，无法计算工作日；请平台管理员先发布该年的国务院办公厅节假日安排通知。"
            )
            % {"year": year}
        )


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5


_lock = threading.Lock()
_cache: dict[int, tuple[float, YearCalendar]] = {}


def clear_cache() -> None:
    """Forget every cached year (called on commit of a publication, and by tests)."""
    with _lock:
        _cache.clear()


def _load(year: int) -> YearCalendar:
    # One query: the year with its holidays and workdays aggregated into two arrays.
    row = (
        CalendarYear.objects.filter(year=year)
        .annotate(
            holiday_days=ArrayAgg("days__day", filter=Q(days__kind=CalendarException.Kind.HOLIDAY), default=[]),
            workday_days=ArrayAgg("days__day", filter=Q(days__kind=CalendarException.Kind.WORKDAY), default=[]),
        )
        .values("source", "holiday_days", "workday_days")
        .first()
    )
    if row is None:
        raise CalendarNotPublished(year)
    return YearCalendar(
        year=year,
        holidays=frozenset(d for d in row["holiday_days"] if d is not None),
        workdays=frozenset(d for d in row["workday_days"] if d is not None),
        source=row["source"],
    )


def year_calendar(year: int) -> YearCalendar:
    """The published calendar of ``year`` (cached); raises ``CalendarNotPublished``."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get(year)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    loaded = _load(year)
    with _lock:
        _cache[year] = (now, loaded)
    return loaded


def is_published(year: int) -> bool:
    """Whether ``year`` has a published calendar (no exception raised)."""
    try:
        year_calendar(year)
    except CalendarNotPublished:
        return False
    return True


def is_working_day(day: date) -> bool:
    """Mon–Fri unless a holiday; Sat/Sun only when an adjusted workday. Raises
    ``CalendarNotPublished`` for a day of an unpublished year."""
    return year_calendar(day.year).is_working_day(day)


def working_days_between(start: date, end: date) -> int:
    """Working days from ``start`` to ``end``, both included (0 when end < start)."""
    if end < start:
        return 0
    count = 0
    day = start
    while day <= end:
        calendar = year_calendar(day.year)
        last = min(end, date(day.year, 12, 31))
        while day <= last:
            if calendar.is_working_day(day):
                count += 1
            day += timedelta(days=1)
    return count


def add_working_days(start: date, n: int) -> date:
    """The date of the ``n``-th working day counted from ``start`` inclusive (n >= 1); see the
    module docstring. Raises ``CalendarNotPublished`` when the count runs into an unpublished year."""
    if n < 1:
        raise ValueError("n must be >= 1")
    counted = 0
    day = start
    for _ in range(n * _MAX_SPAN_PER_DAY + 31):
        if is_working_day(day):
            counted += 1
            if counted == n:
                return day
        day += timedelta(days=1)
    raise RuntimeError(f"no {n} working days found after {start}: the calendar looks corrupted")


def nth_working_day_after(day: date, n: int) -> date:
    """The ``n``-th working day strictly after ``day`` (n >= 1)."""
    return add_working_days(day + timedelta(days=1), n)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    return add_working_days(day, 1)
