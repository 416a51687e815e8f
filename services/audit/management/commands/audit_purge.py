"""Delete audit rows older than the retention, in the public schema and every institution's.

    manage.py audit_purge [--days N] [--dry-run] [--schema NAME]

The audit table is append-only by trigger; the rows go through ``audit_purge_before(cutoff)``,
the one path the trigger lets through (migration 0004). The retention is AUDIT_RETENTION_DAYS
(180 by default) and can never be shorter than 180 days: 网络安全法 第二十一条 requires network
logs to be kept no less than six months, and the database function refuses a later cutoff too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django_tenants.utils import schema_exists

from services.audit.services import audit_purge
from tenants.models import Institution

# Same minimum as the database function of services/audit/migrations/0004 (a test checks it).
AUDIT_MIN_RETENTION_DAYS = 180


class Command(BaseCommand):
    help = "Delete audit rows older than AUDIT_RETENTION_DAYS (at least 180) in every schema."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None, help="retention in days (default AUDIT_RETENTION_DAYS)")
        parser.add_argument("--dry-run", action="store_true", help="count the rows that would go, delete nothing")
        parser.add_argument("--schema", default="", help="only this schema (public or inst_<code>)")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.AUDIT_RETENTION_DAYS
        if days < AUDIT_MIN_RETENTION_DAYS:
            raise CommandError(
                f"refusing a retention of {days} days: audit logs are kept at least {AUDIT_MIN_RETENTION_DAYS} days "
                "(six months, Cybersecurity Law of the PRC art. 21)"
            )
        schemas = self._schemas(options["schema"])
        failed = []
        total = 0
        for schema in schemas:
            try:
                removed = self._purge(schema, days, dry_run=options["dry_run"])
            except DatabaseError as exc:
                failed.append(schema)
                self.stderr.write(f"{schema}: failed: {exc}")
                continue
            total += removed
            self.stdout.write(f"{schema}: {removed} {'to delete' if options['dry_run'] else 'deleted'}")
        cutoff = timezone.now() - timedelta(days=days)
        self.stdout.write(f"total: {total} rows older than {days} days (before about {cutoff:%Y-%m-%d %H:%M} UTC)")
        if failed:
            raise CommandError(f"purge failed in {len(failed)} schema(s): {', '.join(failed)}")

    def _schemas(self, only: str) -> list[str]:
        schemas = ["public", *Institution.objects.exclude(schema_name="public").values_list("schema_name", flat=True)]
        if only:
            if only not in schemas:
                raise CommandError(f"no such schema: {only!r}")
            schemas = [only]
        # An archived institution's schema may already be gone; its rows went with it.
        return [schema for schema in schemas if schema == "public" or schema_exists(schema)]

    def _purge(self, schema: str, days: int, *, dry_run: bool) -> int:
        return audit_purge(schema=schema, days=days, dry_run=dry_run)
