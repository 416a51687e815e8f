"""A real Celery worker process for integration tests, on the real broker of the test run,
consuming a queue of its own (xdist workers share the broker) and pointed at this process's
test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def broker_redis() -> Any:
    """A client of the Redis server that is the test run's Celery broker."""
    import redis
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if url.startswith("redis+socket://"):
        return redis.Redis(unix_socket_path=url.removeprefix("redis+socket://"))
    return redis.Redis.from_url(url)


def test_database_url() -> str:
    db = connection.settings_dict
    auth = quote(str(db["USER"] or "postgres"))
    if db["PASSWORD"]:
        auth += ":" + quote(str(db["PASSWORD"]))
    host = str(db["HOST"])
    if host.startswith("/"):
        return f"postgresql://{auth}@/{quote(str(db['NAME']))}?host={quote(host)}"
    return f"postgresql://{auth}@{host}:{db['PORT'] or 5432}/{quote(str(db['NAME']))}"


@contextmanager
def worker_process(
    *, prefork: bool = False, queue: str | None = None, **extra_env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start a worker on a queue of its own, which is also this process's default queue until the
    block ends; yield the queue and the process (a test may kill it); stop it afterwards unless
    it has already exited. ``prefork``: one child process that runs the tasks, as in production
    (time limits, a child killed and replaced); else the solo pool (the tasks run in the worker
    process itself). ``queue``: consume that queue instead (e.g. "celery", the default queue of
    another process)."""
    queue = queue or f"test-{uuid.uuid4().hex[:10]}"
    env = dict(
        os.environ,
        DATABASE_URL=test_database_url(),
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        **extra_env,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "partycloud",
            "worker",
            *(["--pool=prefork", "--concurrency=1"] if prefork else ["--pool=solo"]),
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=ROOT,
    )
    from partycloud.celery import app

    # Whatever this process queues meanwhile (a view publishing after its commit) goes to this worker.
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue, process
    finally:
        app.conf.task_default_queue = previous
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def celery_worker() -> Iterator[str]:
    """Start a worker; yield the queue it consumes (see ``worker_process``)."""
    with worker_process() as (queue, _process):
        yield queue


def wait_until(condition, *, timeout: float = 60.0, what: str = "condition") -> None:  # type: ignore[no-untyped-def]
    """Poll until ``condition()`` is true. A deadline for a broken worker, not a speed check."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)
