"""Stored reminder citations no longer show the rule's key, nor English words.

A reminder stores its citation as written on the day it was created. Until now that text was
"title（rule.key）：citation", with "local practice" as the citation of local rules; the key stays in
``rule_key`` for code and the API, and users read "title（citation）" (services/rules/display.py).
This rewrites the open and past reminders already stored.

Not reversible in substance (the old text is not kept); the reverse does nothing.
"""

from __future__ import annotations

from django.db import migrations

REWRITE = r"""
UPDATE reminders_reminder
SET citation = replace(
    regexp_replace(citation, '（[a-z0-9_]+(?:\.[a-z0-9_]+)+）：(.*)$', '（\1）'),
    'local practice', '地方通行做法'
)
WHERE citation ~ '（[a-z0-9_]+(?:\.[a-z0-9_]+)+）：' OR strpos(citation, 'local practice') > 0
"""


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunSQL(REWRITE, migrations.RunSQL.noop)]
