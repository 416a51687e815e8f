"""Celery tasks of search: thin, they drain the outbox of one schema.

``drain_outbox`` runs in an institution's schema (beat dispatches it every minute to every
active institution; writers kick it after their commit); ``drain_public_outbox`` drains the
public schema's outbox (what the municipal committee publishes to every institution)."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context

from tenants.db import connection
from tenants.tasks import institution_task

from .indexing import outbox_drain
from .outbox import kick


@institution_task()
def drain_outbox() -> dict[str, int]:
    report = outbox_drain()
    if report.more:  # a big import: carry on in a fresh task rather than wait for beat
        kick(connection.schema_name)
    return {"indexed": report.indexed, "deleted": report.deleted, "failed": report.failed}


@shared_task(name="services.search.tasks.drain_public_outbox", acks_late=True)
def drain_public_outbox() -> dict[str, int]:
    with schema_context("public"):
        report = outbox_drain()
        if report.more:
            kick("public")
    return {"indexed": report.indexed, "deleted": report.deleted, "failed": report.failed}
