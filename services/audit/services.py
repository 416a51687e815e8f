"""Writing audit rows. Every service that changes state calls ``audit_record`` inside its
transaction, so the row commits or rolls back with the change it describes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

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
