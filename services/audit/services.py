"""Writing audit rows. Every service that changes state calls ``audit_record`` inside its
transaction, so the row commits or rolls back with the change it describes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django_tenants.utils import schema_context

from .models import AuditEvent, Event


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the entry of
    X-Forwarded-For they vouch for (entries further left are the client's own claims)."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    event: Event,
    actor: Any = None,
    request: HttpRequest | None = None,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        event=event,
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or actor_username,
        ip=client_ip(request),
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        before=before,
        after=after,
        detail=detail or {},
    )


def audit_permission_denied(*, request: HttpRequest, reason: str = "") -> None:
    """Record a refused request (403) for the signed-in user: who tried what, from where.
    Anonymous refusals are not recorded (they are 401s or sign-in redirects)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    audit_record(
        event=Event.PERMISSION_DENIED,
        request=request,
        detail={"method": request.method, "path": request.path, "reason": reason[:200]},
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
