"""Which schemas have migrations to apply, found with a few queries instead of one `migrate`
run per schema (each costs ~1 s of graph loading and post-migrate checks, even when idle)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import get_public_schema_name

_CHUNK = 200


def _app_labels(app_names: Iterable[str]) -> set[str]:
    labels = set()
    for config in apps.get_app_configs():
        if config.name in app_names:
            labels.add(config.label)
    return labels


def expected_migrations(app_names: Iterable[str]) -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = _app_labels(app_names)
    return {key for key in loader.graph.nodes if key[0] in labels}


def pending_schemas(schemas: Sequence[str], *, shared: bool = False) -> list[str]:
    """The subset of ``schemas`` that lack at least one migration of their apps."""
    expected = expected_migrations(settings.SHARED_APPS if shared else settings.TENANT_APPS)
    if not schemas:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [list(schemas)],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        up_to_date: set[str] = set()
        values = ",".join(["(%s,%s)"] * len(expected))
        flat = [part for key in sorted(expected) for part in key]
        candidates = [s for s in schemas if s in with_table]
        for start in range(0, len(candidates), _CHUNK):
            chunk = candidates[start : start + _CHUNK]
            union = " UNION ALL ".join(
                f"SELECT %s AS s, app, name FROM {connection.ops.quote_name(s)}.django_migrations" for s in chunk
            )
            cursor.execute(
                f"SELECT m.s FROM ({union}) m JOIN (VALUES {values}) AS e(app, name) "
                "ON m.app = e.app AND m.name = e.name GROUP BY m.s HAVING count(*) = %s",
                [*chunk, *flat, len(expected)],
            )
            up_to_date.update(row[0] for row in cursor.fetchall())
    return [s for s in schemas if s not in up_to_date]


def public_pending() -> bool:
    return bool(pending_schemas([get_public_schema_name()], shared=True))
