"""Two standard rules of study (services/study; docs/domain.md#study): how many minutes make one
class hour (学时) — 45, as a class period, local practice — and whether study rankings are shown
("off": the 2023 guidance against "formalism at the fingertips" rules out point rankings; an
institution may turn them on by overriding the rule with its reason).

Runs in the public schema only. Reversible: the reverse deletes exactly these rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

SINCE = date(2000, 1, 1)
ROWS = (
    ("study.class_minutes", 45, "", "每学时折合分钟数", "地方通行做法"),
    ("study.rankings", "off", "", "学习排名", "整治“指尖上的形式主义”有关要求（2023）"),
)


def seed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.bulk_create(
        [
            StandardRule(key=key, value=value, unit=unit, title=title, citation=citation, effective_from=SINCE)
            for key, value, unit, title, citation in ROWS
        ],
        ignore_conflicts=True,
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    keys = [row[0] for row in ROWS]
    apps.get_model("rules", "StandardRule").objects.filter(key__in=keys, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0008_c_thought_reports")]

    operations = [migrations.RunPython(seed, unseed)]
