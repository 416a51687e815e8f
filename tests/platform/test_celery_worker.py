"""A real worker process runs tenant-scoped tasks against the real broker; each task touches
only its institution's schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from console.tasks import clear_expired_sessions
from tenants.models import Institution
from tenants.tasks import dispatch
from tests.conftest import Institutions, in_schema
from tests.platform.celery_worker import celery_worker, wait_until


@pytest.fixture
def committed(django_db_blocker: pytest.FixtureRequest, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield institutions


def _expired_session(institution: Institution, key: str) -> None:
    with in_schema(institution):
        Session.objects.update_or_create(
            session_key=key, defaults={"session_data": "x", "expire_date": timezone.now() - timedelta(days=1)}
        )


def _exists(institution: Institution, key: str) -> bool:
    with in_schema(institution):
        return Session.objects.filter(session_key=key).exists()


def test_worker_runs_a_tenant_task_inside_that_institution_only(committed: Institutions) -> None:
    a, b = committed.a, committed.b
    _expired_session(a, "expired-a")
    _expired_session(b, "expired-b")
    try:
        with celery_worker() as queue:
            clear_expired_sessions.apply_async(args=[a.schema_name], queue=queue)
            wait_until(lambda: not _exists(a, "expired-a"), what="A's expired session to be cleared")
        assert _exists(b, "expired-b"), "a task for A touched B's schema"
    finally:
        with in_schema(b):
            Session.objects.filter(session_key="expired-b").delete()


def test_dispatcher_queues_one_task_per_active_institution(committed: Institutions) -> None:
    a, b = committed.a, committed.b
    _expired_session(a, "expired-a2")
    _expired_session(b, "expired-b2")
    Institution.objects.filter(pk=b.pk).update(status=Institution.Status.SUSPENDED)
    try:
        with celery_worker() as queue:
            dispatch.apply_async(args=["console.tasks.clear_expired_sessions"], kwargs={"queue": queue}, queue=queue)
            wait_until(lambda: not _exists(a, "expired-a2"), what="the dispatched task for A")
        assert _exists(b, "expired-b2"), "a suspended institution's job ran"
    finally:
        Institution.objects.filter(pk=b.pk).update(status=Institution.Status.ACTIVE)
        with in_schema(b):
            Session.objects.filter(session_key="expired-b2").delete()
