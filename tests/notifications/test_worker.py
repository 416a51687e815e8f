"""The real path: a send commits, the publisher queues the task, a Celery worker process on the
real broker delivers the code to the provider (the loopback fake) and records it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from services.notifications.api import send_to_phone
from services.notifications.models import Message
from tests.conftest import Institutions, in_schema
from tests.notifications.providers import provider_env, serve
from tests.platform.celery_worker import wait_until, worker_process


@pytest.fixture
def committed(django_db_blocker: pytest.FixtureRequest, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield institutions


def _status(institution: object, pk: int) -> str:
    with in_schema(institution):  # type: ignore[arg-type]
        return Message.objects.filter(pk=pk).values_list("status", flat=True).first() or ""


def test_a_worker_delivers_the_code_after_the_commit(committed: Institutions, settings: object) -> None:
    fake, server = serve()
    env = provider_env(fake, "tencent")
    for name, value in env.items():
        setattr(settings, name, value)
    a = committed.a
    message_id = 0
    try:
        with worker_process(**env):
            with in_schema(a), transaction.atomic():
                message = send_to_phone(
                    phone="13700137000",
                    template="activation_code",
                    params={"code": "551208", "minutes": "10"},
                    idempotency_key="worker:activation",
                )
                message_id = message.pk
            wait_until(lambda: _status(a, message_id) == Message.Status.SENT, what="the message sent by the worker")
        [got] = fake.of("tencent")
        assert got.signature_ok and "551208" in got.params["TemplateParamSet"]
    finally:
        server.shutdown()
        server.server_close()
        with in_schema(a):
            Message.objects.filter(idempotency_key="worker:activation").delete()
