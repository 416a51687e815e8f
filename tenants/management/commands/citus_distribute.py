"""Distribute the institution schemas that exist on a Citus coordinator but are not distributed
yet (an installation moved onto Citus, or institutions provisioned before PARTYCLOUD_CITUS=1).

    manage.py citus_distribute [--schema inst_<code>] [--dry-run]

First the public tables that institution tables reference become reference tables, then each
schema is distributed with ``citus_schema_distribute``: its tables move to a worker as one
colocation group. Idempotent; one schema at a time, each in its own transaction, so an
interrupted run is simply run again. New institutions need none of this: provisioning creates
them distributed.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants import citus
from tenants.models import Institution


class Command(BaseCommand):
    help = "Distribute institution schemas over the Citus workers (schema-based sharding)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schema", default="", help="only this institution schema (inst_<code>)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be distributed, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if not citus.enabled():
            raise CommandError("PARTYCLOUD_CITUS is not set: DATABASE_URL is not a Citus coordinator")
        schemas = list(Institution.objects.order_by("pk").values_list("schema_name", flat=True))
        if options["schema"]:
            if options["schema"] not in schemas:
                raise CommandError(f"no institution has the schema {options['schema']!r}")
            schemas = [options["schema"]]
        distributed = citus.distributed_schemas()
        todo = [schema for schema in schemas if schema not in distributed]
        if options["dry_run"]:
            self.stdout.write(f"reference tables needed: {', '.join(citus.referenced_public_tables()) or '-'}")
            self.stdout.write(f"{len(todo)} of {len(schemas)} schemas to distribute: {', '.join(todo) or '-'}")
            return
        converted = citus.ensure_reference_tables()
        if converted:
            self.stdout.write(f"reference tables: {', '.join(converted)}")
        for schema in todo:
            started = time.monotonic()
            citus.distribute_schema(schema)
            nodes = ", ".join(citus.schema_nodes(schema))
            self.stdout.write(f"{schema}: distributed to {nodes} in {time.monotonic() - started:.1f} s")
        self.stdout.write(f"{len(todo)} distributed, {len(schemas) - len(todo)} already were")
