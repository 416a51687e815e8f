"""The standard small-cell threshold of survey results (services/surveys/results.py): a count under
it is not shown, and anonymous ballots are written at least that many at a time
(services/surveys/ballots.py). Five is the usual threshold of statistical disclosure control; no
party regulation sets one. An institution may raise it.

Runs in the public schema only. Reversible: the reverse deletes exactly this row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

KEY, SINCE = "surveys.small_cell", date(2000, 1, 1)


def seed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.bulk_create(
        [
            StandardRule(
                key=KEY,
                value=5,
                unit="members",
                title="意见征集结果的最小公开人数",
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
    dependencies = [("rules", "0006_dues_rounding")]

    operations = [migrations.RunPython(seed, unseed)]
