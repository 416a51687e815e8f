"""Citations of local rules read "地方通行做法" instead of the English "local practice".

The seeding migrations (0002, 0003) wrote the English words as the citation of the rules docs/domain.md
calls local practice; the Chinese interface showed them as they were. The English interface
translates the Chinese words (services/rules/texts.py).

Runs in the public schema only. Reversible: the reverse writes the old words back.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

OLD, NEW = "local practice", "地方通行做法"


def _rename(apps: Any, schema_editor: Any, *, old: str, new: str) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    apps.get_model("rules", "StandardRule").objects.filter(citation=old).update(citation=new)


def forward(apps: Any, schema_editor: Any) -> None:
    _rename(apps, schema_editor, old=OLD, new=NEW)


def backward(apps: Any, schema_editor: Any) -> None:
    _rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_votes_and_reminders_rules")]

    operations = [migrations.RunPython(forward, backward)]
