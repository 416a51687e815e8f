"""``manage.py reindex [--institution CODE] [--public]``: rebuild search indexes from the database.

With neither option every active institution and the public schema are rebuilt. Progress is
printed per provider; batches go to the backend in bulk."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from services.search.indexing import reindex_schema
from tenants.models import Institution


class Command(BaseCommand):
    help = "Rebuild the search index from the database (every registered provider)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--institution", action="append", default=[], help="institution code (repeatable)")
        parser.add_argument("--public", action="store_true", help="the public schema (committee publications)")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        codes: list[str] = options["institution"]
        schemas: list[tuple[str, str]] = []
        with schema_context("public"):
            if codes:
                found = {i.code: i for i in Institution.objects.filter(code__in=codes)}
                unknown = sorted(set(codes) - set(found))
                if unknown:
                    raise CommandError(f"unknown institution: {', '.join(unknown)}")
                schemas += [(found[code].schema_name, found[code].name) for code in codes]
            elif not options["public"]:
                active = Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("code")
                schemas += [(i.schema_name, i.name) for i in active]
        if options["public"] or not codes:
            schemas.append(("public", "public"))
        for schema, label in schemas:
            self.stdout.write(f"{label} ({schema})")
            with schema_context(schema):
                counts = reindex_schema(batch=options["batch"], progress=self._progress)
            summary = ", ".join(f"{kind} {count}" for kind, count in counts.items()) or "-"
            self.stdout.write(self.style.SUCCESS(f"  done: {summary}"))

    def _progress(self, kind: str, done: int, total: int) -> None:
        percent = 100 if total == 0 else done * 100 // total
        self.stdout.write(f"  {kind}: {done}/{total} ({percent}%)")
