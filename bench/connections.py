"""Database connections a web server holds under a burst: 40 clients x 25 requests to a page that
queries the database (/api/me/ with a bearer token), counting that server's backends in
pg_stat_activity (its connections carry an application_name of their own). Two servers: what
`make run` serves (partycloud/devstack.py) and gunicorn with deploy/gunicorn.conf.py at 2 workers
x 3 threads. The bound is workers x threads; Django's runserver, which `make run` used before,
reached ~155 on this burst."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.services import institution_create
from partycloud import devstack
from services.accounts.models import User
from services.accounts.services import api_token_create
from tenants.db import connection

FIGURES = ("burst_max_db_connections_make_run", "burst_max_db_connections_gunicorn")
CLIENTS = 40
REQUESTS_PER_CLIENT = 25
HOST = "bconn.localhost"
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, headers: dict[str, str]) -> int:
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": f"{HOST}:{port}", **headers})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _backends(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [application_name],
        )
        return int(cursor.fetchone()[0])


def _serve(command: Callable[[int, Path], tuple[list[str], dict[str, str]]], name: str, token: str) -> int:
    """Start the server, run the burst, return the most backends seen at once."""
    workdir = Path(tempfile.mkdtemp(prefix="partycloud-bench-"))
    port = _free_port()
    args, extra = command(port, workdir)
    url = os.environ["DATABASE_URL"]
    env = {**os.environ, **extra, "DATABASE_URL": f"{url}{'&' if '?' in url else '?'}application_name={name}"}
    env.update(HTTPS="0", GUNICORN_ACCESSLOG="off", GUNICORN_BIND=f"127.0.0.1:{port}")
    server = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(server, port, name)
        most, done = 0, threading.Event()

        def sample() -> None:
            nonlocal most
            while not done.is_set():
                most = max(most, _backends(name))
                done.wait(0.02)
            connection.close()  # this thread's own

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        headers = {"Authorization": f"Bearer {token}"}
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = list(
                pool.map(
                    lambda _: [_get(port, "/api/me/", headers) for _ in range(REQUESTS_PER_CLIENT)], range(CLIENTS)
                )
            )
        done.set()
        sampler.join()
        assert all(status == 200 for batch in statuses for status in batch), f"{name}: some requests failed"
        return most
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_up(server: subprocess.Popen[bytes], port: int, name: str) -> None:
    deadline = time.monotonic() + 60
    while server.poll() is None and time.monotonic() < deadline:
        try:
            if _get(port, "/healthz/live", {}) == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name}: the server did not start")


def _make_run(port: int, workdir: Path) -> tuple[list[str], dict[str, str]]:
    return devstack.web_server(port, environ=dict(os.environ), metrics_dir=workdir / "metrics")


def _gunicorn(port: int, workdir: Path) -> tuple[list[str], dict[str, str]]:
    args = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
    return args, {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "3"}


def run() -> list[Figure]:
    with cleanup("bconn"):
        institution, _ = institution_create(code="bconn", name="连接基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            _, token = api_token_create(user=User.objects.get(username="admin"), name="bench")
        connection.set_schema_to_public()
        return [
            ("burst_max_db_connections_make_run", _serve(_make_run, "bench-burst-make-run", token), "connections"),
            ("burst_max_db_connections_gunicorn", _serve(_gunicorn, "bench-burst-gunicorn", token), "connections"),
        ]
