"""A real Celery worker process that a test may kill (SIGKILL) midway: the platform helper
(tests/platform/celery_worker.py) does not hand out its process, and a killed worker must not be
waited on gracefully."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tests.platform.celery_worker import ROOT, test_database_url


@contextmanager
def killable_worker(**extra_env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start a worker on a queue of its own (also this process's default queue meanwhile)."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
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
            "--pool=solo",
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

    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue, process
    finally:
        app.conf.task_default_queue = previous
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
