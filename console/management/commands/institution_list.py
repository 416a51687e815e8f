from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from tenants.models import Institution


class Command(BaseCommand):
    help = "List institutions: code, status, schema and name (one per line, or JSON with --json)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--status", choices=Institution.Status.values)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = Institution.objects.order_by("code")
        if options["status"]:
            rows = rows.filter(status=options["status"])
        items = list(rows.values("code", "status", "schema_name", "name"))
        if options["json"]:
            self.stdout.write(json.dumps(items, ensure_ascii=False))
            return
        for item in items:
            self.stdout.write(f"{item['code']}\t{item['status']}\t{item['schema_name']}\t{item['name']}")
