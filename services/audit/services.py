"""Writing audit rows. Every service that changes state calls ``audit_record`` inside its
transaction, so the row commits or rolls back with the change it describes."""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction
from django_tenants.utils import schema_context

from services.kernel.actions import current_action

from .models import AuditEvent, Event


def audit_record(
    *,
    event: Event,
    actor: Any = None,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """One audit row. Who (when ``actor`` is None), from where and through which way in are the
    action's under way (services/kernel/actions.py): a request's signed-in user and address, a
    task or a command with neither."""
    action = current_action()
    if actor is None and action is not None:
        actor = action.user
    return AuditEvent.objects.create(
        event=event,
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


def audit_permission_denied(*, actor: Any, method: str, path: str, reason: str = "") -> None:
    """Record a refused request (403) for a signed-in ``actor``: who tried what, from where.
    Anonymous refusals are not recorded (they are 401s or sign-in redirects)."""
    if actor is None or not actor.is_authenticated:
        return
    audit_record(
        event=Event.PERMISSION_DENIED, actor=actor, detail={"method": method, "path": path, "reason": reason[:200]}
    )


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
            cursor.execute(f'SELECT "{schema}".audit_purge_before({cutoff})', [days])
        row = cursor.fetchone()
    return int(row[0]) if row else 0
