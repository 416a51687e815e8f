"""Migrating 200 institution schemas: when nothing is pending (our migrate_schemas skips them
after one query) and when one migration is pending in each (applied in parallel). For
comparison, django-tenants' stock command on the same 200 up-to-date schemas."""

from __future__ import annotations

import importlib
import io

from django.core.management import call_command
from django.db import transaction
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from bench.common import Figure, cleanup, timed
from tenants.db import connection
from tenants.models import Domain, Institution
from tenants.provisioning import schema_create_by_clone

FIGURES = ("migrate_200_noop_s", "migrate_200_one_s", "migrate_200_noop_stock_s")
COUNT = 200
# The pending migration: the audit log's append-only trigger (cheap, reversible by SQL).
APP, NAME = "audit", "0002_append_only"


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


def _unapply(schemas: list[str]) -> None:
    backward = importlib.import_module(f"services.audit.migrations.{NAME}").BACKWARD
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'SET search_path = "{schema}"; {backward}')
            cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [APP, NAME])
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
        _unapply(schemas)
        one = timed(_migrate)
    return [
        ("migrate_200_noop_s", noop, "s"),
        ("migrate_200_one_s", one, "s"),
        ("migrate_200_noop_stock_s", stock, "s"),
    ]
