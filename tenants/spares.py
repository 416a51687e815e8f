"""Spare institution schemas on Citus: provisioning renames one instead of replaying the snapshot.

On a Citus cluster the template snapshot is replayed one statement at a time, and every
statement on a distributed table is a round trip to its worker: ~600 of them, 1.1–1.3 s on a
quiet two-core machine and twice that when it is busy. A *spare* is a schema built exactly as a
new institution's would be (``provisioning.schema_create_by_clone``: the snapshot, distributed,
functions pinned), ahead of time, by a task. Provisioning takes one inside its own transaction:
``ALTER SCHEMA … RENAME`` (Citus renames it on its worker too) and the functions pinned to the
new name — two dozen statements instead of ~600. With no spare ready it replays the snapshot as
before, so an empty pool is only slower.

- A spare's name says which template it was built from: ``spare_<fingerprint>_<random>``, the
  first 16 hex digits of ``provisioning.template_fingerprint()``. A migration changes the
  fingerprint: older spares are never taken, and the next refill drops them (spares are not
  institutions, so ``migrate_schemas`` does not migrate them).
- Taking holds a transaction-level advisory lock, so two provisionings never take the same
  spare (the second takes the next, or replays). A refill is one transaction holding another
  lock, so two refills do not both build, and a failed one leaves nothing half-built.
- How many: ``CITUS_SPARE_SCHEMAS`` (``PARTYCLOUD_CITUS_SPARES``; 0, the default, turns the pool
  off). The task ``tenants.tasks.refill_spare_schemas`` refills after every provisioning and
  every ten minutes (beat), so a lost message only delays a refill.
- Nothing routes to a spare: it has no institution row and no domain.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction

from tenants.db import connection

from . import citus
from .provisioning import schema_create_by_clone, schema_drop, template_fingerprint

PREFIX = "spare_"
_TAKE_LOCK = 0x5C0A_5EED_0001  # pg_advisory_xact_lock keys (bigint)
_REFILL_LOCK = 0x5C0A_5EED_0002


def nothing_done() -> dict[str, int]:
    """A refill's result when it built and dropped nothing (off Citus, or another refill ran)."""
    return {"built": 0, "dropped": 0}


def enabled() -> bool:
    return citus.enabled() and int(getattr(settings, "CITUS_SPARE_SCHEMAS", 0)) > 0


def _tag() -> str:
    return template_fingerprint()[:16]


def _current(schemas: list[str], tag: str) -> list[str]:
    return [name for name in schemas if name.startswith(f"{PREFIX}{tag}_")]


def spare_schemas() -> list[str]:
    """Every spare schema, of any template, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY oid", [PREFIX + "%"])
        return [row[0] for row in cursor.fetchall()]


def spare_take(schema_name: str) -> bool:
    """Rename a spare of the current template to ``schema_name``, in the caller's transaction;
    False when there is none (the caller replays the snapshot). Either way a refill is queued
    for after the commit."""
    if not enabled():
        return False
    from .queueing import publish_after_commit
    from .tasks import refill_spare_schemas

    publish_after_commit(refill_spare_schemas)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TAKE_LOCK])
        ready = _current(spare_schemas(), _tag())
        if not ready:
            return False
        cursor.execute(f'ALTER SCHEMA "{ready[0]}" RENAME TO "{schema_name}"')
    citus.repin_function_search_paths(schema_name, ready[0])
    return True


def spares_refill(count: int | None = None) -> dict[str, int]:
    """Drop the spares of older templates and build new ones until ``count`` (default
    CITUS_SPARE_SCHEMAS) of the current template are ready, in one transaction; another refill
    running meanwhile makes this one return at once."""
    wanted = int(getattr(settings, "CITUS_SPARE_SCHEMAS", 0)) if count is None else count
    if not citus.enabled():
        return nothing_done()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_REFILL_LOCK])
            if not cursor.fetchone()[0]:
                return nothing_done()
        tag = _tag()
        schemas = spare_schemas()
        current = _current(schemas, tag)
        stale = [name for name in schemas if name not in current]
        for name in stale:
            schema_drop(name)
        missing = max(0, wanted - len(current))
        for _ in range(missing):
            schema_create_by_clone(f"{PREFIX}{tag}_{secrets.token_hex(4)}", from_spare=False)
    return {"built": missing, "dropped": len(stale)}
