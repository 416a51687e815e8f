"""The standard rule of organizational life's minutes: how many days after a meeting its minutes
should be finalized before the reminder goes out (services/orglife/reminders_attendance.py). No
regulation fixes a number; seven days is common practice.

Runs in the public schema only. Reversible: the reverse deletes exactly this row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

KEY, SINCE = "meetings.minutes_finalize_days", date(2000, 1, 1)


def seed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.bulk_create(
        [
            StandardRule(
                key=KEY, value=7, unit="days", title="会后纪要定稿期限", citation="地方通行做法", effective_from=SINCE
            )
        ],
        ignore_conflicts=True,
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    apps.get_model("rules", "StandardRule").objects.filter(key=KEY, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0004_local_practice_in_chinese")]

    operations = [migrations.RunPython(seed, unseed)]
