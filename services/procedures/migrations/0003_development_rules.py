"""Development rules of the standard rule set (docs/domain.md#development), cited to the articles of the 2014
《中国共产党发展党员工作细则》.

The rules app seeded the development numbers in 2000 with the regulation's name only; this adds
a version in force from the day the 细则 was issued (2014-06-10), same values, article cited, and
the keys the development dossier needs that were not seeded yet (contact persons, sponsors, one
extension). It lives in this shared app because a data migration of the
public schema must belong to a shared app (the development app is an institution app).

Runs in the public schema only. Reversible: the reverse deletes exactly these rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

REG = "《中国共产党发展党员工作细则》(2014)"
CONSTITUTION = "《中国共产党章程》"
EFFECTIVE = date(2014, 6, 10)

# (key, value, unit, title, citation)
RULES: list[tuple[str, Any, str, str, str]] = [
    ("development.min_age", 18, "years", "申请入党最低年龄", f"{REG} 第五条"),
    ("development.application_talk_months", 1, "months", "收到入党申请后谈话期限", f"{REG} 第七条"),
    ("development.contact_persons_min", 1, "members", "培养联系人最少人数（正式党员）", f"{REG} 第九条"),
    ("development.contact_persons_max", 2, "members", "培养联系人最多人数（正式党员）", f"{REG} 第九条"),
    ("development.activist_assessment_months", 6, "months", "积极分子考察间隔", f"{REG} 第十一条"),
    ("development.activist_min_months", 12, "months", "积极分子培养考察最短期限", f"{REG} 第十二条"),
    ("development.sponsors", 2, "members", "入党介绍人人数（正式党员）", f"{REG} 第十三条"),
    ("development.training_min_days", 3, "days", "发展对象集中培训最少天数", f"{REG} 第十七条"),
    ("development.training_min_hours", 24, "hours", "发展对象集中培训最少学时", f"{REG} 第十七条"),
    ("development.approval_months", 3, "months", "上级党委审批期限", f"{REG} 第二十四条"),
    ("development.approval_max_months", 6, "months", "上级党委审批最长期限", f"{REG} 第二十四条"),
    ("probation.months", 12, "months", "预备期", f"{CONSTITUTION} 第七条；{REG} 第二十八条"),
    ("probation.extension_min_months", 6, "months", "延长预备期最短", f"{REG} 第二十九条"),
    ("probation.extension_max_months", 12, "months", "延长预备期最长", f"{CONSTITUTION} 第七条；{REG} 第二十九条"),
    ("probation.extension_max_times", 1, "times", "延长预备期最多次数", f"{REG} 第二十九条"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.bulk_create(
        [
            StandardRule(key=key, value=value, unit=unit, title=title, citation=citation, effective_from=EFFECTIVE)
            for key, value, unit, title, citation in RULES
        ],
        ignore_conflicts=True,
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.filter(key__in=[rule[0] for rule in RULES], effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_seed_development_template"), ("rules", "0002_seed_standard_rules")]

    operations = [migrations.RunPython(seed, unseed)]
