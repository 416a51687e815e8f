"""Reading the Citus catalog from the tests."""

from __future__ import annotations

from django.db import connection


def worker_nodes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT node_name || ':' || node_port FROM citus_get_active_worker_nodes()")
        return {row[0] for row in cursor.fetchall()}


def scalar(sql: str, params: list[object] | None = None) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def has_every_snapshot_constraint(schema: str) -> bool:
    """Whether ``schema`` holds exactly the constraints the template snapshot names, folded into
    its CREATE TABLEs or not (tenants/citus.py)."""
    import re

    from tenants.provisioning import template_snapshot

    named = set(re.findall(r"CONSTRAINT (\S+) ", template_snapshot()))
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname::text FROM pg_constraint WHERE connamespace = %s::regnamespace", [schema])
        return bool(named) and {row[0] for row in cursor.fetchall()} == named
