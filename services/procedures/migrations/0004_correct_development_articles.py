"""Correct the article numbers the development rules and steps cite (2014 《中国共产党发展党员工作细则》).

Migrations 0002 and 0003 numbered some articles one or two too low. The text of the 细则 has:
第十二条 the activist who changes unit (not the year of training), 第十三条 listing a development
target after more than a year of training and assessment, 第十四条 two full members as sponsors,
第十六条 the political review, 第十九条 the committee's review, the higher committee's pre-review
and the volunteer form handed to those who pass it, 第二十条 and 第二十一条 the branch member
meeting's quorum and majority (as the vote rules already cite), 第三十二条 the one-year probation
and its extension of half a year to a year. A wrong citation is worse than none: only these
verified numbers change; the values, and every other row, stay as they are.

Only the citation text changes (the values and effective dates do not): an erratum, not a new
version. Runs in the public schema only. Reversible: the reverse puts the old text back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

REG = "《中国共产党发展党员工作细则》(2014)"
CONSTITUTION = "《中国共产党章程》"
EFFECTIVE = date(2014, 6, 10)

# rule key → (old citation, corrected citation), the versions in force from 2014-06-10
RULES: dict[str, tuple[str, str]] = {
    "development.activist_min_months": (f"{REG} 第十二条", f"{REG} 第十三条"),
    "development.sponsors": (f"{REG} 第十三条", f"{REG} 第十四条"),
    "probation.months": (f"{CONSTITUTION} 第七条；{REG} 第二十八条", f"{CONSTITUTION} 第七条；{REG} 第三十二条"),
    "probation.extension_min_months": (f"{REG} 第二十九条", f"{REG} 第三十二条"),
    "probation.extension_max_months": (f"{CONSTITUTION} 第七条；{REG} 第二十九条", f"{CONSTITUTION} 第七条；{REG} 第三十二条"),
    "probation.extension_max_times": (f"{REG} 第二十九条", f"{REG} 第三十二条"),
}

# step code of the development template, version 1 → (old article, corrected article)
STEPS: dict[str, tuple[str, str]] = {
    "target_decision": ("第十二条", "第十三条"),
    "target_filing": ("第十二条", "第十三条"),
    "sponsors": ("第十三条", "第十四条"),
    "political_review": ("第十四条", "第十六条"),
    "committee_review": ("第十八条", "第十九条"),
    "volunteer_form": ("第二十条", "第十九条"),
    "admission_meeting": ("第二十一条、第二十二条", "第二十条、第二十一条"),
}


def _public(schema_editor: Any) -> bool:
    return getattr(schema_editor.connection, "schema_name", "public") == "public"


def _apply(apps: Any, schema_editor: Any, *, forward: bool) -> None:
    if not _public(schema_editor):
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    Step = apps.get_model("procedures", "TemplateStep")
    for key, (old, new) in RULES.items():
        before, after = (old, new) if forward else (new, old)
        StandardRule.objects.filter(key=key, effective_from=EFFECTIVE, citation=before).update(citation=after)
    for code, (old, new) in STEPS.items():
        before, after = (old, new) if forward else (new, old)
        Step.objects.filter(
            template__code="development", template__version=1, code=code, citation=f"{REG} {before}"
        ).update(citation=f"{REG} {after}")


def correct(apps: Any, schema_editor: Any) -> None:
    _apply(apps, schema_editor, forward=True)


def restore(apps: Any, schema_editor: Any) -> None:
    _apply(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_development_rules")]

    operations = [migrations.RunPython(correct, restore)]
