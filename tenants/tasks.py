"""Tenant-aware Celery tasks.

``@institution_task`` makes a task whose first argument is an institution's schema name; the
body runs inside that schema and knows nothing about other institutions. Periodic jobs are
``dispatch(task_name)``: beat runs it once, it queues the named task once per active
institution.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.db import connection

from .models import Institution

F = TypeVar("F", bound=Callable[..., Any])


def institution_task(**celery_options: Any) -> Callable[[F], Any]:
    def decorator(func: F) -> Any:
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

        run.per_institution = True  # type: ignore[attr-defined]  # dispatch() only queues these
        options = {"acks_late": True, "max_retries": 5, "default_retry_delay": 30, **celery_options}
        return shared_task(name=f"{func.__module__}.{func.__name__}", **options)(run)

    return decorator


@shared_task(name="tenants.tasks.dispatch")
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


@institution_task()
def clear_expired_sessions() -> int:
    """Delete this institution's expired sessions (Django's clearsessions, per schema) and the
    sign-in failure counters with nothing left to remember."""
    from services.accounts.lockout import counters_purge

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    counters_purge()
    return deleted


@shared_task(name="tenants.tasks.archive_institution")
def archive_institution(institution_id: int, acting_user_id: int | None = None) -> str:
    """Export an institution that institution_archive_start marked as archiving, then mark it
    archived. A duplicate delivery finds it archived and does nothing."""
    from services.accounts.models import User

    from .services import LifecycleRefused, institution_archive_finish

    with schema_context("public"):
        institution = Institution.objects.filter(pk=institution_id).first()
        if institution is None:
            return ""
        actor = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
        try:
            return institution_archive_finish(institution=institution, acting_user=actor).last_export_key
        except LifecycleRefused:
            return ""
