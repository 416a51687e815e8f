"""Re-encrypt every encrypted field with the newest FIELD_ENCRYPTION_KEYS key.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), deploy,
run this command, then drop the old keys. Safe to re-run; each schema is one transaction.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context

from services.crypto import EncryptedTextField, rotate
from tenants.db import connection
from tenants.models import Institution

BATCH = 1000


def encrypted_columns() -> list[tuple[Any, str]]:
    return [
        (model, str(field.column))
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def _table_exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{connection.schema_name}"."{table}"'])
        return bool(cursor.fetchone()[0])


def rotate_schema() -> int:
    """Rotate the current schema's ciphertexts; returns how many values were rewritten."""
    count = 0
    quote = connection.ops.quote_name
    for model, column in encrypted_columns():
        table, pk = model._meta.db_table, model._meta.pk.column
        if not _table_exists(table):
            continue  # a shared-only or tenant-only table absent from this schema
        last = None
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''"
                    + (f" AND {quote(pk)} > %s" if last is not None else "")
                    + f" ORDER BY {quote(pk)} LIMIT {BATCH}",
                    [last] if last is not None else [],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                cursor.executemany(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s",
                    [(rotate(value), key) for key, value in rows],
                )
            count += len(rows)
            last = rows[-1][0]
    return count


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        schemas = [get_public_schema_name(), *Institution.objects.values_list("schema_name", flat=True)]
        total = 0
        for schema in schemas:
            with schema_context(schema), transaction.atomic():
                rewritten = rotate_schema()
            total += rewritten
            if options["verbosity"] >= 2:
                self.stdout.write(f"{schema}: {rewritten}")
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} values in {len(schemas)} schemas"))
