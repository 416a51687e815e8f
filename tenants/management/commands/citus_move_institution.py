"""Move one institution to another Citus worker while it keeps serving requests.

    manage.py citus_move_institution <code> --to <host:port> [--mode auto|force_logical|block_writes]
    manage.py citus_move_institution <code> --list      # where it is, and the workers

The institution's schema is one colocation group; Citus copies it to the target with logical
replication (``auto``), catches up with the writes made meanwhile, then switches the placement
in a short lock. Reads and writes keep working during the copy.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants import citus
from tenants.models import Institution


class Command(BaseCommand):
    help = "Move an institution's schema to another Citus worker (online)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", help="the institution's code")
        parser.add_argument("--to", default="", help="the target worker, host:port")
        parser.add_argument("--mode", default="auto", choices=["auto", "force_logical", "block_writes"])
        parser.add_argument("--list", action="store_true", help="show where it is and the workers")

    def handle(self, *args: Any, **options: Any) -> None:
        if not citus.enabled():
            raise CommandError("PARTYCLOUD_CITUS is not set: DATABASE_URL is not a Citus coordinator")
        institution = Institution.objects.filter(code=options["code"]).first()
        if institution is None:
            raise CommandError(f"no institution with the code {options['code']!r}")
        schema = institution.schema_name
        if options["list"] or not options["to"]:
            workers = citus.worker_nodes()
            self.stdout.write(f"{schema} is on {', '.join(citus.schema_nodes(schema)) or '-'}")
            self.stdout.write(f"workers: {', '.join(workers)}")
            return
        started = time.monotonic()
        try:
            source, target = citus.move_schema(schema, options["to"], mode=options["mode"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{schema}: {source} -> {target} in {time.monotonic() - started:.1f} s")
