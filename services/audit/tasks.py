"""Daily retention purge: one task per active institution (dispatched by beat) and one for the
public schema."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tenants.db import connection
from tenants.tasks import institution_task

from .services import audit_purge


@institution_task(verbose_name=_("清理过期审计记录"), soft_time_limit=600, time_limit=660, memory_limit_mb=256)
def purge_expired_audit() -> int:
    return audit_purge(schema=connection.schema_name, days=settings.AUDIT_RETENTION_DAYS)


@shared_task(
    name="services.audit.tasks.purge_expired_public_audit",
    verbose_name=_("清理过期审计记录（平台）"),
    soft_time_limit=600,
    time_limit=660,
    memory_limit_mb=256,
)
def purge_expired_public_audit() -> int:
    return audit_purge(schema="public", days=settings.AUDIT_RETENTION_DAYS)
