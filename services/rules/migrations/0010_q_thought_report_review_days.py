"""Standard rule of ideological reports (思想汇报, services/thought_reports): within how many days
of its submission a report is reviewed (the contact person's or the branch's first decision).
Local practice, like the other report rules (docs/domain.md#study); the committee's figure
``thought_reports.reviewed_on_time`` reads it.

Runs in the public schema only. Reversible: the reverse deletes exactly this row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

LOCAL = "地方通行做法"
SINCE = date(2000, 1, 1)

# (key, value, unit, title)
RULES: list[tuple[str, Any, str, str]] = [
    ("thought_reports.review_days", 30, "days", "思想汇报审阅期限"),
]


def _public(schema_editor: Any) -> bool:
    return getattr(schema_editor.connection, "schema_name", "public") == "public"


def seed(apps: Any, schema_editor: Any) -> None:
    if not _public(schema_editor):
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.bulk_create(
        [
            StandardRule(key=key, value=value, unit=unit, title=title, citation=LOCAL, effective_from=SINCE)
            for key, value, unit, title in RULES
        ],
        ignore_conflicts=True,
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    if not _public(schema_editor):
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    for key, _value, _unit, _title in RULES:
        StandardRule.objects.filter(key=key, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0009_a_study_rules")]

    operations = [migrations.RunPython(seed, unseed)]
