"""Creating institution schemas.

A new institution's schema is built from a migrated, empty template schema
(TENANT_TEMPLATE_SCHEMA) instead of replaying every migration. The template's structure and
rows (migration history, content types, permissions) are captured once per migration state
with pg_dump as a plain SQL script — a *snapshot*, kept in the public schema — and each
provisioning replays that script under the new schema's name: tens of milliseconds, however
many institutions exist. (django-tenants' clone_schema() function walks the catalogs and
slows down as schemas accumulate: ~0.25 s for the first clone, minutes per clone past a hundred.)

The template is migrated together with every institution (the migrate_schemas command), and a
migration changes the fingerprint, so a snapshot is never stale. ``schema_create_by_migrations``
is kept for the benchmark that compares the two and to create the template itself.
"""

from __future__ import annotations

import hashlib
import io
import re

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django_tenants.utils import schema_context, schema_exists

from tenants.db import connection

from . import citus
from .models import TemplateSnapshot
from .pgtools import pg_run

SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# Session settings pg_dump emits first: replaying them would change this connection's search path.
_PREAMBLE = re.compile(r"^(SET \w+ = .*;|SELECT pg_catalog\.set_config\(.*\);)$")
_snapshots: dict[str, str] = {}


def template_schema() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def ensure_template_schema() -> bool:
    """Create and migrate the template schema if it is missing. Returns True if it was created."""
    name = template_schema()
    if schema_exists(name):
        return False
    schema_create_by_migrations(name)
    return True


def _check_name(schema_name: str) -> None:
    if not SCHEMA_NAME.match(schema_name) or schema_name in {"public", template_schema()}:
        raise ValueError(f"invalid institution schema name: {schema_name!r}")


def schema_create_by_migrations(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command(
        "migrate_schemas", schema_name=schema_name, tenant=True, interactive=False, verbosity=0, stdout=io.StringIO()
    )
    connection.set_schema_to_public()


def template_fingerprint() -> str:
    """A hash of the template's migration history: it changes whenever a migration is applied."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{template_schema()}".django_migrations ORDER BY app, name')
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _dump_template() -> str:
    output = pg_run(
        "pg_dump", f"--schema={template_schema()}", "--inserts", "--no-owner", "--no-privileges", "--no-comments"
    )
    lines = [line for line in output.splitlines() if not line.startswith("--") and not _PREAMBLE.match(line)]
    return "\n".join(lines)


def template_snapshot() -> str:
    """The template as a SQL script (schema name included), cached per process and in the
    public schema per fingerprint, so pg_dump runs once per migration state."""
    fingerprint = template_fingerprint()
    sql = _snapshots.get(fingerprint)
    if sql is None:
        with schema_context("public"):
            stored = TemplateSnapshot.objects.filter(fingerprint=fingerprint).first()
            if stored is None:
                stored, _ = TemplateSnapshot.objects.get_or_create(
                    fingerprint=fingerprint, defaults={"sql": _dump_template()}
                )
        sql = _snapshots[fingerprint] = stored.sql
    return sql


def schema_create_by_clone(schema_name: str, *, from_spare: bool = True) -> None:
    """Create ``schema_name`` as a copy of the template (structure and rows). On Citus a spare
    schema of the same template is renamed when one is ready (tenants/spares.py)."""
    _check_name(schema_name)
    ensure_template_schema()
    if citus.enabled() and from_spare:
        from . import spares  # it builds its spares with this function

        if spares.spare_take(schema_name):
            return
    script = re.sub(rf"\b{re.escape(template_schema())}\b", schema_name, template_snapshot())
    if citus.enabled():
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in citus.distributed_schema_statements(script):
                cursor.execute(statement)
            citus.pin_function_search_paths([schema_name])
        return
    with connection.cursor() as cursor:
        cursor.execute(script)


def schema_drop(schema_name: str) -> None:
    _check_name(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
