"""Standard rules of ideological reports (思想汇报, services/thought_reports): how often applicants,
activists and development targets write one, and how many a probationary member writes during
probation. Both are local practice ("usually one a quarter", docs/domain.md#study).

Runs in the public schema only. Reversible: the reverse deletes exactly these rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

LOCAL = "地方通行做法"
SINCE = date(2000, 1, 1)

# (key, value, unit, title)
RULES: list[tuple[str, Any, str, str]] = [
    ("thought_reports.interval_months", 3, "months", "入党申请人、积极分子、发展对象提交思想汇报间隔"),
    ("thought_reports.probation_reports", 4, "times", "预备期内提交思想汇报次数"),
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
    dependencies = [("rules", "0007_d_survey_small_cell")]

    operations = [migrations.RunPython(seed, unseed)]
