"""Stored validity rules of transfers no longer show the rule's key, nor English words.

``Transfer.validity_rule`` (shown on the transfer's page and printed on the letter) stored
"title（transfer.letter_validity_days）：local practice"; letters issued from now on store
"组织关系介绍信有效期（地方通行做法）" (services/rules/display.py). This rewrites those already stored.

Not reversible in substance (the old text is not kept); the reverse does nothing.
"""

from __future__ import annotations

from django.db import migrations

REWRITE = r"""
UPDATE transfers_transfer
SET validity_rule = replace(
    regexp_replace(validity_rule, '（[a-z0-9_]+(?:\.[a-z0-9_]+)+）：(.*)$', '（\1）'),
    'local practice', '地方通行做法'
)
WHERE validity_rule ~ '（[a-z0-9_]+(?:\.[a-z0-9_]+)+）：' OR strpos(validity_rule, 'local practice') > 0
"""


class Migration(migrations.Migration):
    dependencies = [("transfers", "0001_initial")]

    operations = [migrations.RunSQL(REWRITE, migrations.RunSQL.noop)]
