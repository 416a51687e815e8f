"""The Chinese working-day calendar: seeded notices, counting conventions, unpublished years."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.workdays import calendar
from services.workdays.calendar import (
    CalendarNotPublished,
    add_working_days,
    is_working_day,
    nth_working_day_after,
    working_days_between,
)
from services.workdays.models import CalendarException, CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def days(first: str, last: str) -> list[date]:
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    out = []
    while day <= end:
        out.append(day)
        day += timedelta(days=1)
    return out


def test_the_three_notices_are_published_with_their_source() -> None:
    years = dict(CalendarYear.objects.values_list("year", "source"))
    assert years[2024] == "国务院办公厅关于2024年部分节假日安排的通知"
    assert set(years) >= {2024, 2025, 2026}


def test_2025_national_day_week_is_eight_holidays_with_two_adjusted_weekend_workdays() -> None:
    assert [is_working_day(d) for d in days("2025-10-01", "2025-10-08")] == [False] * 8
    assert is_working_day(date(2025, 9, 28))  # Sunday, 调休上班
    assert is_working_day(date(2025, 10, 11))  # Saturday, 调休上班
    assert not is_working_day(date(2025, 10, 12))  # an ordinary Sunday
    assert is_working_day(date(2025, 10, 9))
    # Sun 09-28 to Sun 10-12: Mon–Fri 09-29, 09-30, 10-09, 10-10 plus the two weekend workdays.
    assert working_days_between(date(2025, 9, 28), date(2025, 10, 12)) == 6


def test_2025_spring_festival_has_the_added_day_and_weekend_workdays() -> None:
    assert not any(is_working_day(d) for d in days("2025-01-28", "2025-02-04"))
    assert is_working_day(date(2025, 1, 26))  # Sunday
    assert is_working_day(date(2025, 2, 8))  # Saturday
    assert is_working_day(date(2025, 2, 5))
    assert CalendarException.objects.get(day=date(2025, 2, 4)).name == "春节"
    # Labour Day 2025: five days, one adjusted Sunday.
    assert not any(is_working_day(d) for d in days("2025-05-01", "2025-05-05"))
    assert is_working_day(date(2025, 4, 27))


def test_a_plain_week_has_five_working_days() -> None:
    week = days("2025-03-10", "2025-03-16")
    assert [is_working_day(d) for d in week] == [True] * 5 + [False] * 2
    assert working_days_between(week[0], week[-1]) == 5


def test_counting_includes_both_ends_and_an_empty_range_is_zero() -> None:
    assert working_days_between(date(2025, 3, 10), date(2025, 3, 10)) == 1
    assert working_days_between(date(2025, 3, 15), date(2025, 3, 15)) == 0
    assert working_days_between(date(2025, 3, 11), date(2025, 3, 10)) == 0


def test_publicity_starting_on_a_working_day_counts_that_day_first() -> None:
    # Mon 2025-03-10 + 5 working days ends Fri 2025-03-14.
    assert add_working_days(date(2025, 3, 10), 5) == date(2025, 3, 14)
    assert add_working_days(date(2025, 3, 10), 1) == date(2025, 3, 10)
    # Starting on Wednesday: Wed, Thu, Fri, Mon, Tue.
    assert add_working_days(date(2025, 3, 12), 5) == date(2025, 3, 18)


def test_a_range_starting_on_a_holiday_counts_from_the_first_working_day() -> None:
    # Publicity posted on 2025-10-01 (holiday): working days are 10-09, 10-10, 10-11 (Sat, adjusted),
    # 10-13, 10-14.
    assert add_working_days(date(2025, 10, 1), 5) == date(2025, 10, 14)
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 13)) == 4
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 14)) == 5


def test_publicity_across_spring_festival_uses_the_adjusted_saturday() -> None:
    # From Mon 2025-01-27: 01-27 is the 1st, then the holiday to 02-04, 02-05..02-07, Sat 02-08.
    assert add_working_days(date(2025, 1, 27), 5) == date(2025, 2, 8)
    # From Fri 2025-01-24: 01-24, Sun 01-26 (adjusted), 01-27, then 02-05, 02-06.
    assert add_working_days(date(2025, 1, 24), 5) == date(2025, 2, 6)


def test_add_and_count_agree_across_three_years() -> None:
    for start in days("2024-01-01", "2026-12-15")[::7]:
        end = add_working_days(start, 5)
        assert working_days_between(start, end) == 5
        assert working_days_between(start, end - timedelta(days=1)) == 4


def test_nth_working_day_after_excludes_the_day_itself() -> None:
    assert nth_working_day_after(date(2025, 3, 10), 1) == date(2025, 3, 11)
    assert nth_working_day_after(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_a_count_crossing_into_the_next_published_year_works() -> None:
    # 2025-12-31 (Wed), then 2026-01-01..03 holiday, 2026-01-04 Sunday adjusted workday.
    assert add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 4)
    assert working_days_between(date(2025, 12, 29), date(2026, 1, 5)) == 5


def test_a_year_without_published_data_raises_instead_of_guessing() -> None:
    with pytest.raises(CalendarNotPublished) as raised:
        is_working_day(date(2031, 10, 1))
    assert raised.value.year == 2031
    assert "2031 年的节假日安排尚未发布" in str(raised.value)
    assert not calendar.is_published(2031)
    with pytest.raises(CalendarNotPublished):
        working_days_between(date(2030, 12, 1), date(2031, 1, 10))


def test_a_count_running_into_an_unpublished_year_raises() -> None:
    with pytest.raises(CalendarNotPublished):
        add_working_days(date(2026, 12, 28), 10)


def test_one_query_per_year_then_cached() -> None:
    with CaptureQueriesContext(connection) as queries:
        working_days_between(date(2025, 1, 1), date(2025, 12, 31))
        is_working_day(date(2025, 6, 1))
    # Schema switches (SET search_path) are django-tenants', not the calendar's.
    selects = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET")]
    assert len(selects) == 1, selects


def test_add_working_days_rejects_zero() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 10), 0)


def test_the_calendar_answers_inside_an_institution_schema(inst_a) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import in_schema

    with in_schema(inst_a):
        assert not is_working_day(date(2025, 10, 1))
        assert add_working_days(date(2025, 10, 1), 5) == date(2025, 10, 14)
