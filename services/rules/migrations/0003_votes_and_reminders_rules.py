"""Standard rules of the branch-meeting votes (services.votes) and the reminders (services.reminders).

Both capabilities live in institution schemas, whose migrations never run in the public schema
where the standard set lives, so their rules are seeded here. Vote fractions are strict ("more
than half"): "1/2".

Runs in the public schema only. Reversible: the reverse deletes exactly these rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

REG = "《中国共产党发展党员工作细则》(2014)"
LOCAL = "local practice"

# (key, value, unit, title, citation, effective from)
RULES: list[tuple[str, Any, str, str, str, date]] = [
    (
        "votes.quorum_fraction",
        "1/2",
        "fraction",
        "支部党员大会有表决权的到会人数须超过应到会有表决权人数的比例",
        f"{REG} 第二十条；转正：第三十三条",
        date(2014, 6, 10),
    ),
    (
        "votes.majority_fraction",
        "1/2",
        "fraction",
        "赞成人数须超过应到会有表决权的正式党员的比例（书面意见计入票数）",
        f"{REG} 第二十一条；转正：第三十三条",
        date(2014, 6, 10),
    ),
    ("reminders.lead_days", 30, "days", "到期事项提前提醒天数", LOCAL, date(2000, 1, 1)),
]


def _public(schema_editor: Any) -> bool:
    return getattr(schema_editor.connection, "schema_name", "public") == "public"


def seed(apps: Any, schema_editor: Any) -> None:
    if not _public(schema_editor):
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.bulk_create(
        [
            StandardRule(key=key, value=value, unit=unit, title=title, citation=citation, effective_from=since)
            for key, value, unit, title, citation, since in RULES
        ],
        ignore_conflicts=True,
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    if not _public(schema_editor):
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    for key, _value, _unit, _title, _citation, since in RULES:
        StandardRule.objects.filter(key=key, effective_from=since).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_seed_standard_rules")]

    operations = [migrations.RunPython(seed, unseed)]
