"""Cross-check of the seeded notices against the ``chinesecalendar`` package's data, day by day.

The project does not depend on that package: this test is skipped unless it is importable
(``pip install --target /tmp/cc chinesecalendar`` and ``PYTHONPATH=/tmp/cc``), so the seed can be
re-verified when a year is added, without shipping the package."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from services.workdays import calendar
from services.workdays.models import CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def test_every_published_day_agrees_with_chinesecalendar() -> None:
    chinese_calendar = pytest.importorskip("chinese_calendar")
    years = sorted(CalendarYear.objects.filter(year__in=[2024, 2025, 2026]).values_list("year", flat=True))
    assert years == [2024, 2025, 2026]
    day, end = date(2024, 1, 1), date(2026, 12, 31)
    disagreements = []
    while day <= end:
        if calendar.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []
