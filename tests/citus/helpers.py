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
