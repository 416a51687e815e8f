"""Reads of the working-day calendar for the console."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from .calendar import YearCalendar
from .models import CalendarException, CalendarYear
from .services import Entry

# From November the next year's notice is due (the State Council publishes it then).
NEXT_YEAR_DUE_MONTH = 11


def published_years() -> QuerySet[CalendarYear]:
    """Every published year with its counts of holidays and adjusted workdays (one query)."""
    return CalendarYear.objects.annotate(
        holiday_count=Count("days", filter=Q(days__kind=CalendarException.Kind.HOLIDAY)),
        workday_count=Count("days", filter=Q(days__kind=CalendarException.Kind.WORKDAY)),
    ).order_by("-year")


def missing_next_year(today: date) -> int | None:
    """The coming year, when it is due and not yet published (November and December); else None."""
    coming = today.year + 1
    if today.month < NEXT_YEAR_DUE_MONTH or CalendarYear.objects.filter(year=coming).exists():
        return None
    return coming


@dataclass(frozen=True)
class Preview:
    year: int
    holidays: list[Entry]
    workdays: list[Entry]
    working_days: int


def preview(year: int, entries: list[Entry]) -> Preview:
    """What publishing ``entries`` would make of ``year``, computed from the entries alone."""
    holidays = sorted((e for e in entries if e.kind == CalendarException.Kind.HOLIDAY), key=lambda e: e.day)
    workdays = sorted((e for e in entries if e.kind == CalendarException.Kind.WORKDAY), key=lambda e: e.day)
    calendar = YearCalendar(
        year=year,
        holidays=frozenset(e.day for e in holidays),
        workdays=frozenset(e.day for e in workdays),
        source="",
    )
    days = (date(year, 1, 1) + timedelta(days=n) for n in range(366))
    total = sum(1 for day in days if day.year == year and calendar.is_working_day(day))
    return Preview(year=year, holidays=holidays, workdays=workdays, working_days=total)


def year_csv(calendar_year: CalendarYear) -> str:
    """The year in the file format publishing reads (``day,kind,name`` with a header): an export
    re-imports as it is."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["day", "kind", "name"])
    for day in calendar_year.days.order_by("day"):
        writer.writerow([day.day.isoformat(), day.kind, day.name])
    return out.getvalue()
