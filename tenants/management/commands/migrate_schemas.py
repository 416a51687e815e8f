"""`migrate_schemas` that skips up-to-date schemas and migrates the rest in parallel.

A plain `migrate_schemas` (and `migrate`, which django-tenants points here) runs Django's
migrate once per schema even when nothing is pending. This override first asks the database
which schemas lack a migration (tenants/migrations_state.py) and runs migrations only there,
with the multiprocessing executor when more than one schema is pending. The template schema
that provisioning clones is always part of the set. Targeted runs (an app label or a
migration name, --fake, --plan, a single --schema) behave exactly as django-tenants' own.
"""

from __future__ import annotations

from typing import Any

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name

from tenants import citus
from tenants.migrations_state import pending_schemas, public_pending
from tenants.models import Institution
from tenants.provisioning import ensure_template_schema, template_schema


class Command(MigrateSchemasCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        targeted = (
            options.get("app_label")
            or options.get("schema_name")
            or options.get("fake")
            or options.get("plan")
            or options.get("check_unapplied")
            or options.get("fake_initial")
        )
        if targeted:
            super().handle(*args, **options)
            return
        # Parse options exactly as django-tenants does (sets sync_public / sync_tenant).
        super(MigrateSchemasCommand, self).handle(*args, **options)
        verbose = int(options.get("verbosity", 1)) >= 1

        if self.sync_public:
            if public_pending():
                get_executor(codename="standard")(self.args, self.options).run_migrations(
                    tenants=[get_public_schema_name()]
                )
            elif verbose:
                self.stdout.write("public: up to date")

        if self.sync_tenant:
            created = ensure_template_schema()
            schemas = [
                template_schema(),
                *Institution.objects.order_by("pk").values_list("schema_name", flat=True),
            ]
            pending = pending_schemas(schemas)
            if verbose:
                self.stdout.write(
                    f"{len(schemas)} institution schemas (with the template), {len(pending)} to migrate"
                    + (" (template created)" if created else "")
                )
            if citus.enabled():
                pending = self._template_then_reference_tables(pending, verbose=verbose)
            if pending:
                codename = "multiprocessing" if len(pending) > 1 else "standard"
                get_executor(codename=self.executor or codename)(self.args, self.options).run_migrations(
                    tenants=pending
                )
            if citus.enabled():
                # Functions a migration added run on the workers (triggers): pin their names.
                citus.pin_function_search_paths(sorted(citus.distributed_schemas()))

    def _template_then_reference_tables(self, pending: list[str], *, verbose: bool) -> list[str]:
        """On Citus, a migration that adds a foreign key from institution tables to a public
        table needs that table to be a reference table before it runs on a distributed schema:
        the template (on the coordinator) migrates first, the catalog then says which public
        tables it references, and only then do the institutions migrate."""
        if template_schema() in pending:
            get_executor(codename="standard")(self.args, self.options).run_migrations(tenants=[template_schema()])
        converted = citus.ensure_reference_tables()
        if verbose and converted:
            self.stdout.write(f"reference tables (Citus): {', '.join(converted)}")
        return [schema for schema in pending if schema != template_schema()]
