"""Tenant-aware Celery tasks.

``@institution_task`` makes a task whose first argument is an institution's schema name; the
body runs inside that schema and knows nothing about other institutions. Periodic jobs are
``dispatch(task_name)``: beat runs it once, it queues the named task once per active
institution.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from tenants.db import connection

from .models import Institution

F = TypeVar("F", bound=Callable[..., Any])
logger = logging.getLogger(__name__)


def _in_institution(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` run inside the schema named by its first argument (nothing if it is gone)."""

    @functools.wraps(func)
    def run(schema_name: str, *args: Any, **kwargs: Any) -> Any:
        institution = Institution.objects.filter(schema_name=schema_name).first()
        if institution is None:
            return None  # deleted since the task was queued
        connection.set_tenant(institution)
        try:
            return func(*args, **kwargs)
        finally:
            connection.set_schema_to_public()

    return run


def institution_task(**celery_options: Any) -> Callable[[F], Any]:
    """Declare a task whose body runs inside an institution's schema. Options are Celery's plus
    those of tenants/task_guard.py (limits, ``abandon``, ``revive``, ``verbose_name``); the hooks
    run in the schema too."""

    def decorator(func: F) -> Any:
        run = _in_institution(func)
        run.per_institution = True  # type: ignore[attr-defined]  # dispatch() only queues these
        options = {"acks_late": True, "max_retries": 5, "default_retry_delay": 30, **celery_options}
        for hook in ("abandon", "revive"):  # they run in the institution's schema too
            if options.get(hook) is not None:
                options[hook] = staticmethod(_in_institution(options[hook]))
        return shared_task(name=f"{func.__module__}.{func.__name__}", **options)(run)

    return decorator


@shared_task(
    name="tenants.tasks.dispatch",
    verbose_name=_("按学校分派定时任务"),
    soft_time_limit=60,
    time_limit=90,
    memory_limit_mb=256,
    track_deliveries=False,
)
def dispatch(task_name: str, *args: Any, queue: str | None = None) -> int:
    """Queue ``task_name`` once per active institution (on ``queue``, else the task's own
    routing); returns how many were queued."""
    from celery import current_app

    task = current_app.tasks[task_name]
    with schema_context("public"):
        schemas = list(
            Institution.objects.filter(status=Institution.Status.ACTIVE).values_list("schema_name", flat=True)
        )
    for schema_name in schemas:
        task.apply_async(args=(schema_name, *args), queue=queue)
    return len(schemas)


@institution_task(
    verbose_name=_("学校例行检查"),
    soft_time_limit=240,
    time_limit=300,
    memory_limit_mb=768,
    track_deliveries=False,  # every minute, idempotent: only a redelivery is counted
)
def housekeep(minute: int | None = None) -> dict[str, Any]:
    """Every minute (beat, through dispatch): the relays of this institution (tenants/housekeeping.py)."""
    from .housekeeping import housekeeping_run

    return housekeeping_run(minute=timezone.now().minute if minute is None else minute)


def _delivery_may_run(task_name: str) -> timedelta:
    """How long a delivery of ``task_name`` may go on before its row counts as interrupted."""
    from celery import current_app

    task = current_app.tasks.get(task_name)
    limit = task.effective_limits()["time_limit"] if hasattr(task, "effective_limits") else None
    return timedelta(seconds=(limit or 3600) + 300)


@shared_task(
    name="tenants.tasks.relay_deliveries",
    verbose_name=_("重新排队未执行的后台任务"),
    soft_time_limit=60,
    time_limit=90,
    memory_limit_mb=256,
    track_deliveries=False,
)
def relay_deliveries() -> dict[str, int]:
    """Every 2 minutes: durable messages that never started are published again; deliveries
    that stopped reporting are marked interrupted (tenants/deliveries.py)."""
    from .deliveries import deliveries_relay

    return deliveries_relay(republish_after=timedelta(minutes=5), stale_after=_delivery_may_run)


@shared_task(
    name="tenants.tasks.refill_spare_schemas",
    verbose_name=_("补足备用学校模式（Citus）"),
    soft_time_limit=600,
    time_limit=660,
    memory_limit_mb=512,
    track_deliveries=False,
)
def refill_spare_schemas() -> dict[str, int]:
    """After each provisioning and every ten minutes: the spare schemas of the current template
    brought back to CITUS_SPARE_SCHEMAS on a Citus cluster (tenants/spares.py); nothing elsewhere."""
    from .spares import enabled, nothing_done, spares_refill

    done = spares_refill() if enabled() else nothing_done()
    if any(done.values()):  # schemas made or dropped on the workers: said in the worker's log
        logger.info("spare schemas: %(built)s built, %(dropped)s of an older template dropped", done)
    return done
