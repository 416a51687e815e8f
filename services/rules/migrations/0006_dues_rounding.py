"""The standard rule of how a dues amount is rounded to the fen (services/dues/calculation.py):
the 2008 regulation gives percentages, not a rounding mode; rounding half up is what payroll
offices do. An institution may choose another of the modes its spec lists.

Runs in the public schema only. Reversible: the reverse deletes exactly this row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

KEY, SINCE = "dues.rounding", date(2000, 1, 1)


def seed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.bulk_create(
        [
            StandardRule(
                key=KEY,
                value="ROUND_HALF_UP",
                unit="",
                title="党费金额舍入方式（到分）",
                citation="地方通行做法",
                effective_from=SINCE,
            )
        ],
        ignore_conflicts=True,
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    apps.get_model("rules", "StandardRule").objects.filter(key=KEY, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0005_minutes_finalize_rule")]

    operations = [migrations.RunPython(seed, unseed)]
