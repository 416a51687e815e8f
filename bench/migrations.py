"""Migrating 200 institution schemas: when nothing is pending (our migrate_schemas skips them
after one query) and when one migration is pending in each (applied in parallel). For
comparison, django-tenants' stock command on the same 200 up-to-date schemas."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from bench.common import Figure, cleanup, timed
from tenants.db import connection
from tenants.models import Domain, Institution
from tenants.provisioning import schema_create_by_clone

FIGURES = ("migrate_200_noop_s", "migrate_200_one_s", "migrate_200_noop_stock_s")
COUNT = 200
# The pending migration: the latest of the audit app (cheap, reversible), whatever it is today.
APP = "audit"


def _latest(app: str) -> str:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (leaf,) = [name for label, name in loader.graph.leaf_nodes() if label == app]
    return leaf


def _create_schemas() -> list[str]:
    schemas = []
    for i in range(COUNT):
        code = f"bmig{i:03d}"
        with transaction.atomic():
            institution = Institution.objects.create(code=code, name=code, schema_name=f"inst_{code}")
            Domain.objects.create(domain=f"{code}.bench.invalid", tenant=institution, is_primary=True)
            schema_create_by_clone(institution.schema_name)
        schemas.append(institution.schema_name)
    return schemas


def _unapply(schemas: list[str], name: str) -> None:
    """Roll ``APP.name`` back in every schema by running its backward SQL directly (one
    ``migrate`` per schema would take minutes of setup)."""
    out = io.StringIO()
    call_command("sqlmigrate", APP, name, backwards=True, stdout=out)
    backward = "\n".join(line for line in out.getvalue().splitlines() if line.strip() not in ("BEGIN;", "COMMIT;"))
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'SET search_path = "{schema}", public; {backward}')
            cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [APP, name])
    connection.set_schema_to_public()


def _migrate() -> None:
    call_command("migrate_schemas", verbosity=0, stdout=io.StringIO())


def run() -> list[Figure]:
    with cleanup("bmig"):
        schemas = _create_schemas()
        noop = timed(_migrate)
        stock = timed(
            lambda: call_command(
                MigrateSchemasCommand(),
                verbosity=0,
                interactive=False,
                executor="multiprocessing",
                stdout=io.StringIO(),
            )
        )
        _unapply(schemas, _latest(APP))
        one = timed(_migrate)
    return [
        ("migrate_200_noop_s", noop, "s"),
        ("migrate_200_one_s", one, "s"),
        ("migrate_200_noop_stock_s", stock, "s"),
    ]
