"""What 3,000 institution schemas cost one PostgreSQL server (the national scale on one node):
the catalog's size, the memory of one backend after touching 100 institutions, ``migrate`` with
nothing to do, and provisioning the 3,001st institution end to end. These say when to move to
the Citus cluster (docs/architecture.md, the scale ladder).

Building 3,000 schemas is expensive (each is the template snapshot replayed: ~110 tables, ~300
indexes), so the dataset lives in an embedded PostgreSQL of its own under .data/bench-catalog,
kept between runs: the first run builds it (resumable: an interrupted build continues where it
stopped), later runs only measure. The schemas are the template snapshot replayed in batches
of ``BATCH`` per transaction (tenants/provisioning.py's clone, in bulk), with their institution
rows bulk-inserted. ``PARTYCLOUD_BENCH_CATALOG_SCHEMAS`` changes the count (the figures' names
keep saying 3000).

    make bench ONLY=catalog_3000_schemas
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Figure

FIGURES = (
    "catalog_3000_schemas",
    "catalog_3000_schemas_catalog_mb",
    "catalog_3000_schemas_database_mb",
    "catalog_3000_schemas_backend_mb",
    "catalog_3000_schemas_backend_fresh_mb",
    "catalog_3000_schemas_migrate_noop_s",
    "catalog_3000_schemas_provision_s",
)
ROOT = Path(__file__).resolve().parents[1]
DATABASE = "partycloud_catalog"
BATCH = 10
TOUCHED = 100
PREFIX = "cat"


def _count() -> int:
    return int(os.environ.get("PARTYCLOUD_BENCH_CATALOG_SCHEMAS", "3000"))


def _data_dir() -> Path:
    return Path(os.environ.get("PARTYCLOUD_BENCH_CATALOG_DATA") or ROOT / ".data" / "bench-catalog")


def run() -> list[Figure]:
    """Measure in a child process pointed at the catalog's own server (the bench's database is
    left alone), then stop that server."""
    from partycloud.embedded import ensure_postgres, stop_postgres

    data_dir = _data_dir()
    url = ensure_postgres(data_dir, database=DATABASE, tuned_for_tests=True)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("PARTYCLOUD_CITUS", None)  # one server, whatever the bench runs against
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); from bench.catalog import main; main()"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
    finally:
        stop_postgres(data_dir)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return [(name, float(value), unit) for name, value, unit in figures]


def _log(message: str) -> None:
    print(f"· catalog: {message}", file=sys.stderr, flush=True)


def _build(count: int) -> None:
    from django.db import transaction

    from tenants.db import connection
    from tenants.models import Domain, Institution
    from tenants.provisioning import ensure_template_schema, template_schema, template_snapshot

    ensure_template_schema()
    snapshot = template_snapshot()
    template = re.compile(rf"\b{re.escape(template_schema())}\b")
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [f"inst_{PREFIX}%"])
        present = {row[0] for row in cursor.fetchall()}
    codes = [f"{PREFIX}{i:04d}" for i in range(count)]
    missing = [code for code in codes if f"inst_{code}" not in present]
    started = time.monotonic()
    for at in range(0, len(missing), BATCH):
        batch = missing[at : at + BATCH]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("\n".join(template.sub(f"inst_{code}", snapshot) for code in batch))
        if (at // BATCH) % 20 == 0:
            done = at + len(batch)
            _log(f"{len(present) + done}/{count} schemas, {time.monotonic() - started:.0f} s for {done}")
    known = set(Institution.objects.filter(code__startswith=PREFIX).values_list("code", flat=True))
    rows = [Institution(code=code, name=code, schema_name=f"inst_{code}") for code in codes if code not in known]
    Institution.objects.bulk_create(rows, batch_size=500)
    Domain.objects.bulk_create(
        [Domain(domain=f"{row.code}.catalog.invalid", tenant=row, is_primary=True) for row in rows], batch_size=500
    )


def _mb(value: float) -> float:
    return float(value) / 1024 / 1024


def _backend_memory(count: int) -> tuple[float, float]:
    """A new backend's memory (its memory contexts), fresh and after a request-like read of a
    few tables in each of ``TOUCHED`` institutions (the relation and catalog caches grow)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432, password=db["PASSWORD"]
    )
    conn.autocommit = True
    memory = "SELECT sum(total_bytes) FROM pg_backend_memory_contexts"
    try:
        with conn.cursor() as cursor:
            cursor.execute(memory)
            fresh = cursor.fetchone()[0]
            step = max(1, count // TOUCHED)
            for i in range(0, min(count, TOUCHED * step), step):
                schema = f"inst_{PREFIX}{i:04d}"
                cursor.execute(f"SET search_path TO {schema}, public")
                cursor.execute("SELECT count(*) FROM django_session")
                cursor.execute("SELECT count(*) FROM django_migrations")
                cursor.execute(
                    "SELECT count(*) FROM auth_permission p JOIN django_content_type t ON t.id = p.content_type_id"
                )
            cursor.execute(memory)
            touched = cursor.fetchone()[0]
    finally:
        conn.close()
    return _mb(fresh), _mb(touched)


def measure() -> list[Figure]:
    from django.core.management import call_command

    from console.services import institution_create
    from tenants.db import connection
    from tenants.models import Institution
    from tenants.provisioning import schema_drop

    count = _count()
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    _build(count)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r'"
        )
        catalog = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE %s", [f"inst_{PREFIX}%"])
        schemas = cursor.fetchone()[0]
    fresh, touched = _backend_memory(count)
    # Schemas built from an older snapshot catch up here (untimed); then nothing is left to do.
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    started = time.perf_counter()
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    migrate_noop = time.perf_counter() - started
    code = f"{PREFIX}next"
    for stale in Institution.objects.filter(code=code):
        stale.delete()
        schema_drop(f"inst_{code}")
    started = time.perf_counter()
    institution_create(code=code, name="基准学校", admin_password="Bench-pass-2026!")
    provision = time.perf_counter() - started
    Institution.objects.filter(code=code).delete()
    schema_drop(f"inst_{code}")
    _log(f"{schemas} institution schemas measured")
    return [
        ("catalog_3000_schemas", float(schemas), "schemas"),
        ("catalog_3000_schemas_catalog_mb", _mb(catalog), "MB"),
        ("catalog_3000_schemas_database_mb", _mb(database), "MB"),
        ("catalog_3000_schemas_backend_fresh_mb", fresh, "MB"),
        ("catalog_3000_schemas_backend_mb", touched, "MB"),
        ("catalog_3000_schemas_migrate_noop_s", migrate_noop, "s"),
        ("catalog_3000_schemas_provision_s", provision, "s"),
    ]


def main() -> None:
    """The child's entry point (Django set up, DATABASE_URL the catalog's server)."""
    print(json.dumps(measure()), flush=True)
