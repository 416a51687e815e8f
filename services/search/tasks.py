"""Celery tasks of search: thin, they drain the outbox of one schema.

``drain_outbox`` runs in an institution's schema (writers kick it after their commit; the
institution's housekeeping runs the same drain every minute, tenants/housekeeping.py);
``drain_public_outbox`` drains the public schema's outbox (what the municipal committee
publishes to every institution; beat, every minute)."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from tenants.db import connection
from tenants.housekeeping import sweeper
from tenants.tasks import institution_task

from .indexing import outbox_drain
from .outbox import kick

# Every minute and after writes, idempotent: only a redelivery is counted (tenants/deliveries.py).
DRAIN = {"soft_time_limit": 240, "time_limit": 300, "memory_limit_mb": 768, "track_deliveries": False}


@sweeper("search.outbox", order=100)  # last: it may take a while after a big import
def drain_here() -> dict[str, int]:
    """Drain the current institution's outbox; a big backlog carries on in a fresh task."""
    report = outbox_drain()
    if report.more:  # a big import: carry on in a fresh task rather than wait for the next minute
        kick(connection.schema_name)
    return {"indexed": report.indexed, "deleted": report.deleted, "failed": report.failed}


@institution_task(verbose_name=_("更新搜索索引"), **DRAIN)
def drain_outbox() -> dict[str, int]:
    return drain_here()


@shared_task(
    name="services.search.tasks.drain_public_outbox", acks_late=True, verbose_name=_("更新搜索索引（平台）"), **DRAIN
)
def drain_public_outbox() -> dict[str, int]:
    with schema_context("public"):
        report = outbox_drain()
        if report.more:
            kick("public")
    return {"indexed": report.indexed, "deleted": report.deleted, "failed": report.failed}
