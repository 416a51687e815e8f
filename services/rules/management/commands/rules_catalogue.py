"""Print the standard rule set as Markdown: every key with its value, unit, effective date, title,
citation and the functions that read it.

    manage.py rules_catalogue > docs/rules.md

Needs no database: the set is replayed from the migrations that seed it and the readers are
found in the source (``services/rules/catalogue.py``, ``services/rules/readers.py``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from services.rules.catalogue import catalogue


class Command(BaseCommand):
    help = "Print the standard rule set and the functions that read each rule, as Markdown (docs/rules.md)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(catalogue(), ending="")
