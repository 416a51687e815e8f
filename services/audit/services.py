"""Writing audit rows. Every service that changes state calls ``audit_record`` inside its
transaction, so the row commits or rolls back with the change it describes; batch work calls
``audit_record_many`` (one INSERT for many targets). Both take an event its owner declared
(services/kernel/audit_events.py) and refuse any other."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django_tenants.utils import schema_context

from services.accounts.audit_events import PERMISSION_DENIED
from services.kernel.actions import current_action
from services.kernel.audit_events import declared
from services.kernel.bulk import insert_many
from tenants import citus

from .models import AuditEvent


def audit_record(
    *,
    event: str,
    actor: Any = None,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """One audit row. Who (when ``actor`` is None), from where and through which way in are the
    action's under way (services/kernel/actions.py): a request's signed-in user and address, a
    task or a command with neither. ``event`` is a declared event (or its code):
    ``UndeclaredAuditEvent`` for any other."""
    code = declared(event).code
    action = current_action()
    if actor is None and action is not None:
        actor = action.user
    return AuditEvent.objects.create(
        event=code,
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or actor_username,
        ip=action.ip if action is not None else None,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        before=before,
        after=after,
        detail=detail or {},
        channel=action.channel if action is not None else "",
        request_id=action.request_id if action is not None else "",
    )


def audit_record_many(
    *,
    event: str,
    acting_user: Any,
    targets: Iterable[tuple[str, Any]],
    detail: dict[str, Any],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    per_target: dict[Any, dict[str, Any]] | None = None,
) -> int:
    """Audit rows for many ``targets`` (``(object_type, object_id)`` pairs) at once, one INSERT,
    for batch work; returns how many. The action's address, channel and request id as
    ``audit_record`` writes them; the actor is ``acting_user`` or "system" (a batch names who
    asked for it, never the context's user). Each row's ``detail`` is ``detail`` with
    ``per_target[object_id]`` on top. The rows go in as arrays (services/kernel/bulk.py): 20,000
    model instances were most of an activation-slip run's audit time."""
    code = declared(event).code
    action = current_action()
    pairs = list(targets)
    extra = per_target or {}
    insert_many(
        AuditEvent,
        constants={
            "event": code,
            "actor_id": getattr(acting_user, "pk", None),
            "actor_username": getattr(acting_user, "username", "") or "system",
            "ip": action.ip if action is not None else None,
            "before": before,
            "after": after,
            "channel": action.channel if action is not None else "",
            "request_id": action.request_id if action is not None else "",
        },
        columns={
            "object_type": [object_type for object_type, _id in pairs],
            "object_id": [str(object_id) for _type, object_id in pairs],
            "detail": [{**detail, **extra.get(object_id, {})} for _type, object_id in pairs],
        },
    )
    return len(pairs)


def audit_permission_denied(*, actor: Any, method: str, path: str, reason: str = "") -> None:
    """Record a refused request (403) for a signed-in ``actor``: who tried what, from where.
    Anonymous refusals are not recorded (they are 401s or sign-in redirects)."""
    if actor is None or not actor.is_authenticated:
        return
    audit_record(event=PERMISSION_DENIED, actor=actor, detail={"method": method, "path": path, "reason": reason[:200]})


def audit_purge(*, schema: str, days: int, dry_run: bool = False) -> int:
    """Delete (or count, with ``dry_run``) ``schema``'s audit rows older than ``days`` through the
    database function the append-only trigger trusts (migration 0004); returns the row count.

    The cutoff is taken from the database's clock, the one its function and trigger check the
    minimum against: an application server whose clock runs ahead would otherwise ask for a
    cutoff a moment too recent and be refused at exactly the minimum retention."""
    cutoff = "now() - make_interval(days => %s)"
    with schema_context(schema), transaction.atomic(), connection.cursor() as cursor:
        if dry_run:
            cursor.execute(f'SELECT count(*) FROM "{schema}".audit_auditevent WHERE occurred_at < {cutoff}', [days])
        else:
            if schema != "public" and citus.enabled():
                # On Citus the DELETE inside the function runs on the worker holding the schema,
                # where the function's own SET does not reach; the flag is sent along for this
                # transaction only. The trigger still refuses rows under the legal minimum.
                cursor.execute("SET LOCAL citus.propagate_set_commands = 'local'; SET LOCAL audit.purging = 'on'")
            cursor.execute(f'SELECT "{schema}".audit_purge_before({cutoff})', [days])
        row = cursor.fetchone()
    return int(row[0]) if row else 0
