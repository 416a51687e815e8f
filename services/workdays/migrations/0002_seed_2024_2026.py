"""Seed the calendar with the State Council notices for 2024, 2025 and 2026.

Dates transcribed from the notices (国务院办公厅关于XXXX年部分节假日安排的通知) and cross-checked day
by day against the ``chinesecalendar`` package's data (version 1.11.0) when this migration was
written; the project does not depend on that package. Holidays are listed over their whole span,
weekend days included, as the notices count them ("放假调休，共8天"). From 2025 the revised
《全国年节及纪念日放假办法》 adds a day to the Spring Festival and Labour Day holidays.

Runs in the public schema only (the app is shared). Reversible: the reverse deletes these years.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import migrations

NOTICE = "国务院办公厅关于{year}年部分节假日安排的通知"

# year -> (holiday spans (first, last, name), adjusted workdays (day, name))
YEARS: dict[int, tuple[list[tuple[str, str, str]], list[tuple[str, str]]]] = {
    2024: (
        [
            ("2024-01-01", "2024-01-01", "元旦"),
            ("2024-02-10", "2024-02-17", "春节"),
            ("2024-04-04", "2024-04-06", "清明节"),
            ("2024-05-01", "2024-05-05", "劳动节"),
            ("2024-06-10", "2024-06-10", "端午节"),
            ("2024-09-15", "2024-09-17", "中秋节"),
            ("2024-10-01", "2024-10-07", "国庆节"),
        ],
        [
            ("2024-02-04", "春节"),
            ("2024-02-18", "春节"),
            ("2024-04-07", "清明节"),
            ("2024-04-28", "劳动节"),
            ("2024-05-11", "劳动节"),
            ("2024-09-14", "中秋节"),
            ("2024-09-29", "国庆节"),
            ("2024-10-12", "国庆节"),
        ],
    ),
    2025: (
        [
            ("2025-01-01", "2025-01-01", "元旦"),
            ("2025-01-28", "2025-02-04", "春节"),
            ("2025-04-04", "2025-04-06", "清明节"),
            ("2025-05-01", "2025-05-05", "劳动节"),
            ("2025-05-31", "2025-06-02", "端午节"),
            ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
        ],
        [
            ("2025-01-26", "春节"),
            ("2025-02-08", "春节"),
            ("2025-04-27", "劳动节"),
            ("2025-09-28", "国庆节、中秋节"),
            ("2025-10-11", "国庆节、中秋节"),
        ],
    ),
    2026: (
        [
            ("2026-01-01", "2026-01-03", "元旦"),
            ("2026-02-15", "2026-02-23", "春节"),
            ("2026-04-04", "2026-04-06", "清明节"),
            ("2026-05-01", "2026-05-05", "劳动节"),
            ("2026-06-19", "2026-06-21", "端午节"),
            ("2026-09-25", "2026-09-27", "中秋节"),
            ("2026-10-01", "2026-10-07", "国庆节"),
        ],
        [
            ("2026-01-04", "元旦"),
            ("2026-02-14", "春节"),
            ("2026-02-28", "春节"),
            ("2026-05-09", "劳动节"),
            ("2026-09-20", "国庆节"),
            ("2026-10-10", "国庆节"),
        ],
    ),
}


def _is_public(schema_editor: Any) -> bool:
    return getattr(schema_editor.connection, "schema_name", "public") == "public"


def seed(apps: Any, schema_editor: Any) -> None:
    if not _is_public(schema_editor):
        return
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarException = apps.get_model("workdays", "CalendarException")
    for year, (spans, workdays) in YEARS.items():
        calendar_year, created = CalendarYear.objects.get_or_create(
            year=year, defaults={"source": NOTICE.format(year=year), "published_by": "migration"}
        )
        if not created:
            continue
        rows = []
        for first, last, name in spans:
            day, end = date.fromisoformat(first), date.fromisoformat(last)
            while day <= end:
                rows.append(CalendarException(calendar_year=calendar_year, day=day, kind="holiday", name=name))
                day += timedelta(days=1)
        for day_text, name in workdays:
            rows.append(
                CalendarException(calendar_year=calendar_year, day=date.fromisoformat(day_text), kind="workday", name=name)
            )
        CalendarException.objects.bulk_create(rows)


def unseed(apps: Any, schema_editor: Any) -> None:
    if not _is_public(schema_editor):
        return
    apps.get_model("workdays", "CalendarYear").objects.filter(year__in=list(YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
