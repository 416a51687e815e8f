from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection

from tenants.migrations_state import pending_schemas
from tenants.models import Institution
from tenants.provisioning import template_schema


def _trigger_exists(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.triggers "
            "WHERE trigger_schema = %s AND trigger_name = 'audit_append_only'",
            [schema],
        )
        return cursor.fetchone() is not None


def test_up_to_date_schemas_are_not_pending(inst_a: Institution, inst_b: Institution) -> None:
    assert pending_schemas([template_schema(), inst_a.schema_name, inst_b.schema_name]) == []


def test_a_schema_missing_one_migration_is_the_only_pending_one(inst_a: Institution, inst_b: Institution) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{inst_b.schema_name}".django_migrations WHERE app = %s AND name = %s',
            ["audit", "0002_append_only"],
        )
    assert pending_schemas([template_schema(), inst_a.schema_name, inst_b.schema_name]) == [inst_b.schema_name]


def test_a_schema_without_a_migrations_table_is_pending(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "inst_empty"')
    assert pending_schemas(["inst_empty"]) == ["inst_empty"]


def test_migrate_schemas_migrates_only_the_pending_schema(inst_a: Institution, inst_b: Institution) -> None:
    call_command("migrate_schemas", "audit", "0001", schema_name=inst_b.schema_name, verbosity=0, stdout=io.StringIO())
    assert not _trigger_exists(inst_b.schema_name)

    out = io.StringIO()
    call_command("migrate_schemas", verbosity=1, stdout=out)

    assert "to migrate" in out.getvalue()
    assert "1 to migrate" in out.getvalue()
    assert "public: up to date" in out.getvalue()
    assert _trigger_exists(inst_b.schema_name)
    assert pending_schemas([inst_a.schema_name, inst_b.schema_name]) == []
