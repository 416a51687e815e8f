"""Daily retention purge: one task per active institution (dispatched by beat) and one for the
public schema."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from tenants.db import connection
from tenants.tasks import institution_task

from .services import audit_purge


@institution_task()
def purge_expired_audit() -> int:
    return audit_purge(schema=connection.schema_name, days=settings.AUDIT_RETENTION_DAYS)


@shared_task(name="services.audit.tasks.purge_expired_public_audit")
def purge_expired_public_audit() -> int:
    return audit_purge(schema="public", days=settings.AUDIT_RETENTION_DAYS)
