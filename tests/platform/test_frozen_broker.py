"""A frozen broker never holds a request: with Redis stopped (SIGSTOP) a PATCH through a real
server commits and answers, and once Redis runs again the work it queued is done (the search
outbox drains). The broker here is a private Redis started for the test: the shared test broker
is used by the other test processes and must never be frozen."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection

from partycloud import embedded
from services.accounts.models import ApiToken, User
from services.accounts.services import api_token_create
from services.members.models import Member
from services.organization.models import OrgUnit
from services.search.models import SearchOutbox
from tenants.tasks import dispatch
from tests.conftest import Institutions, host_of, in_schema
from tests.factories import MemberFactory, OrgUnitFactory, UserFactory
from tests.platform import celery_worker as workers
from tests.platform.celery_worker import wait_until, worker_process
from tests.support.processes import AppServer, start_app_server

# The server's own broker calls may wait this long: far longer than the client waits for an
# answer, so a request that waited on the broker could not be answered in time.
SERVER_BROKER_TIMEOUT = "300"
CLIENT_TIMEOUT = 30


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


@pytest.fixture
def private_broker(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    process, socket = embedded.start_redis(tmp_path / "redis", persistent=False)
    try:
        yield f"redis+socket://{socket}", process
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.kill()
        process.wait(timeout=30)


@pytest.fixture
def server(private_broker: tuple[str, Any]) -> Iterator[AppServer]:
    url, _process = private_broker
    env = {
        "DATABASE_URL": workers.test_database_url(),
        "CELERY_BROKER_URL": url,
        "CELERY_BROKER_SOCKET_TIMEOUT": SERVER_BROKER_TIMEOUT,
        "CELERY_BROKER_CONNECT_TIMEOUT": SERVER_BROKER_TIMEOUT,
        "HTTPS": "0",
    }
    if os.environ.get("PARTYCLOUD_DATA_DIR"):  # the same secrets: token digests match
        env["PARTYCLOUD_DATA_DIR"] = os.environ["PARTYCLOUD_DATA_DIR"]
    app_server = start_app_server(env, workers=1, threads=4)
    yield app_server
    app_server.stop()


def _patch(server: AppServer, *, host: str, token: str, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
    conn = HTTPConnection("127.0.0.1", server.port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request(
            "PATCH",
            path,
            body=json.dumps(body).encode(),
            headers={
                "Host": f"{host}:{server.port}",
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
            },
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_write_answers_while_the_broker_is_frozen_and_its_queued_work_is_done_after(
    committed: Institutions, private_broker: tuple[str, Any], server: AppServer
) -> None:
    inst = committed.a
    broker_url, redis = private_broker
    with in_schema(inst):
        unit = OrgUnitFactory(name="冻结测试支部")
        member = MemberFactory(branch=unit, name="冻结前")
        admin = UserFactory(username="frozen_admin", is_superuser=True)
        _token, raw = api_token_create(user=admin, name="frozen broker test")
    try:
        os.kill(redis.pid, signal.SIGSTOP)
        try:
            status, body = _patch(
                server,
                host=host_of(inst),
                token=raw,
                path=f"/api/members/{member.pk}/",
                body={"name": "冻结中改名", "reason": "核对名册"},
            )
            assert status == 200, f"{status} {body[:300]!r}\n--- server log ---\n{server.log()}"
            with in_schema(inst):  # committed while the broker is still frozen
                assert Member.objects.get(pk=member.pk).name == "冻结中改名"
                assert SearchOutbox.objects.filter(kind="member", object_id=member.pk).exists()
        finally:
            os.kill(redis.pid, signal.SIGCONT)

        # The broker is back: beat's housekeeping (sent here as beat would) finds the outbox rows.
        with worker_process(queue="celery", CELERY_BROKER_URL=broker_url):
            with Connection(broker_url) as connection:
                dispatch.apply_async(
                    args=["tenants.tasks.housekeep"], kwargs={"queue": "celery"}, connection=connection, queue="celery"
                )

            def drained() -> bool:
                with in_schema(inst):
                    return not SearchOutbox.objects.filter(kind="member", object_id=member.pk).exists()

            wait_until(drained, timeout=120, what="the search outbox to drain after the broker came back")
    finally:
        with in_schema(inst):
            SearchOutbox.objects.filter(kind="member", object_id=member.pk).delete()
            Member.objects.filter(pk=member.pk).delete()
            OrgUnit.objects.filter(pk=unit.pk).delete()
            ApiToken.objects.filter(user=admin).delete()
            User.objects.filter(pk=admin.pk).delete()
