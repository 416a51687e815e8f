"""``manage.py reindex [--rebuild [--discard-leftovers]] [--institution CODE] [--public]``:
rebuild search indexes from the database.

With neither --institution nor --public every active institution and the public schema are done.
Progress is printed per provider; batches go to the backend in bulk. Without --rebuild the index
is refreshed in place (upserts, then entries whose objects are gone are deleted). With --rebuild
Elasticsearch builds a new index (current mappings) while search reads the old one, then swaps
the alias and drains the updates refused meanwhile (services/search/indexing.py
``rebuild_schema``); on PostgreSQL --rebuild is the ordinary reindex."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from services.search.backends.elastic_indices import RebuildConflict
from services.search.indexing import RebuildRunning, rebuild_schema, reindex_schema
from tenants.models import Institution


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the database (every registered provider). --rebuild: "
        "Elasticsearch builds a fresh index and swaps it in; PostgreSQL reindexes as usual."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--institution", action="append", default=[], help="institution code (repeatable)")
        parser.add_argument("--public", action="store_true", help="the public schema (committee publications)")
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Elasticsearch: build a new index and swap the alias (search stays up; needed after a "
            "mapping change; migrates the old one-index layout). PostgreSQL: the same as without it.",
        )
        parser.add_argument(
            "--discard-leftovers",
            action="store_true",
            help="with --rebuild: delete index generations a crashed rebuild left outside the alias",
        )

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
                if options["rebuild"]:
                    try:
                        counts = rebuild_schema(
                            batch=options["batch"],
                            progress=self._progress,
                            discard_leftovers=options["discard_leftovers"],
                        )
                    except RebuildRunning as exc:
                        raise CommandError(f"{exc}: wait for it to finish, then run again if needed") from exc
                    except RebuildConflict as exc:
                        raise CommandError(f"{exc}; if it crashed, run again with --discard-leftovers") from exc
                else:
                    counts = reindex_schema(batch=options["batch"], progress=self._progress)
            summary = ", ".join(f"{kind} {count}" for kind, count in counts.items()) or "-"
            self.stdout.write(self.style.SUCCESS(f"  done: {summary}"))

    def _progress(self, kind: str, done: int, total: int) -> None:
        percent = 100 if total == 0 else done * 100 // total
        self.stdout.write(f"  {kind}: {done}/{total} ({percent}%)")
