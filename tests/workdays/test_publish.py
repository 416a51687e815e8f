"""Publishing a new year of the calendar (service and management command)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from services.audit.models import AuditEvent
from services.workdays import calendar
from services.workdays.calendar import CalendarNotPublished, is_working_day
from services.workdays.models import CalendarYear
from services.workdays.services import CalendarDataError, Entry, parse_csv, workdays_publish

pytestmark = pytest.mark.django_db

CSV_2031 = """day,kind,name
2031-10-01,holiday,国庆节
2031-10-02,holiday,国庆节
2031-10-03,休,国庆节
2031-09-28,班,国庆节
"""


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def test_publishing_a_year_makes_its_days_answerable(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CalendarNotPublished):
        is_working_day(date(2031, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        workdays_publish(year=2031, entries=parse_csv(CSV_2031), source="国务院办公厅关于2031年部分节假日安排的通知")
    assert not is_working_day(date(2031, 10, 1))
    assert is_working_day(date(2031, 9, 28))  # Sunday, adjusted
    assert is_working_day(date(2031, 10, 6))
    assert AuditEvent.objects.filter(
        event="workdays.published", object_id=str(CalendarYear.objects.get(year=2031).pk)
    ).exists()


def test_republishing_replaces_the_year_and_clears_the_cache(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        workdays_publish(year=2031, entries=parse_csv(CSV_2031), source="通知")
    assert not is_working_day(date(2031, 10, 2))
    with django_capture_on_commit_callbacks(execute=True):
        workdays_publish(
            year=2031, entries=[Entry(day=date(2031, 10, 1), kind="holiday", name="国庆节")], source="更正通知"
        )
    assert is_working_day(date(2031, 10, 2))
    assert CalendarYear.objects.get(year=2031).days.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2031-13-01,holiday,国庆节\n", "不是 YYYY-MM-DD"),
        ("2031-10-01,rest,国庆节\n", "类别"),
        ("2031-10-01,holiday\n", "三列"),
    ],
)
def test_a_bad_csv_line_is_named(text: str, message: str) -> None:
    with pytest.raises(CalendarDataError, match=message):
        parse_csv(text)


def test_a_weekday_cannot_be_an_adjusted_workday() -> None:
    with pytest.raises(CalendarDataError, match="本来就是工作日"):
        workdays_publish(
            year=2031,
            entries=[
                Entry(day=date(2031, 10, 1), kind="holiday", name="国庆节"),
                Entry(day=date(2031, 10, 8), kind="workday", name="国庆节"),
            ],
            source="通知",
        )


def test_a_day_of_another_year_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="不属于 2031 年"):
        workdays_publish(
            year=2031, entries=[Entry(day=date(2030, 10, 1), kind="holiday", name="国庆节")], source="通知"
        )


def test_the_command_checks_without_commit_and_publishes_with_it(tmp_path: Path) -> None:
    path = tmp_path / "2031.csv"
    path.write_text(CSV_2031, encoding="utf-8")
    call_command("workdays_publish", "2031", str(path), "--source", "通知")
    assert not CalendarYear.objects.filter(year=2031).exists()
    call_command("workdays_publish", "2031", str(path), "--source", "通知", "--commit")
    assert CalendarYear.objects.get(year=2031).days.count() == 4


def test_the_command_refuses_a_file_for_another_year(tmp_path: Path) -> None:
    path = tmp_path / "2031.csv"
    path.write_text(CSV_2031, encoding="utf-8")
    with pytest.raises(CommandError, match="不属于 2032 年"):
        call_command("workdays_publish", "2032", str(path), "--source", "通知", "--commit")
