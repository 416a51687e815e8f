"""Writes while the broker is frozen: the latency of PATCH /api/members/<id>/ through the
production server (gunicorn with deploy/gunicorn.conf.py) with its Redis stopped by SIGSTOP.

Each PATCH commits a change that queues search indexing after the commit; before the
request-path publisher (tenants/queueing.py) every one waited 30–120 s on the frozen broker.
The server gets a private Redis (never the one other processes use); 200 PATCHes run one after
another with it running, then 200 with it frozen. The figure is the frozen p95; the running one
is its companion.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.services import institution_create
from partycloud import embedded
from services.accounts.models import User
from services.accounts.services import api_token_create
from services.crypto import blind_index
from services.members import national_id
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from tenants.models import institution_domain

FIGURES = ("write_p95_ms_broker_frozen", "write_p95_ms_broker_up")
ROOT = Path(__file__).resolve().parents[1]
REQUESTS = 200
NATIONAL_ID = "11010519491231002X"
CLIENT_TIMEOUT = 30.0  # a request that waited on the frozen broker would not answer in time


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _gunicorn(port: int, broker_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        CELERY_BROKER_URL=broker_url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESSLOG="off",
        HTTPS="0",
    )
    args = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
    with open(log, "ab") as out:
        return subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=out, stdin=subprocess.DEVNULL)


def _request(port: int, method: str, path: str, host: str, token: str = "", body: bytes | None = None) -> int:
    conn = HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        headers = {"Host": f"{host}:{port}", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if _request(port, "GET", "/healthz/live", "localhost") == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)


def _p95_ms(port: int, host: str, token: str, member_id: int, label: str) -> float:
    times = []
    for number in range(REQUESTS):
        body = json.dumps({"name": f"{label}{number % 2}", "reason": "核对名册"}).encode()
        started = time.perf_counter()
        status = _request(port, "PATCH", f"/api/members/{member_id}/", host, token, body)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"PATCH answered {status}")
    return statistics.quantiles(times, n=100)[94]


def run() -> list[Figure]:
    workdir = Path(tempfile.mkdtemp(prefix="partycloud-bench-broker-"))
    redis, socket = embedded.start_redis(workdir / "redis", persistent=False)
    port = _free_port()
    log = workdir / "gunicorn.log"
    server = None
    try:
        with cleanup("bfrz"):
            institution, _ = institution_create(code="bfrz1", name="基准冻结学校", admin_password="Bench-pass-2026!")
            with schema_context(institution.schema_name):
                branch = org_unit_create(name="基准支部", kind=OrgUnit.Kind.BRANCH)
                member = Member.objects.create(
                    name="冻结",
                    national_id=NATIONAL_ID,
                    national_id_index=blind_index(NATIONAL_ID),
                    gender=national_id.gender(NATIONAL_ID),
                    birth_date=national_id.birth_date(NATIONAL_ID),
                    category=Member.Category.STAFF,
                    branch=branch,
                )
                _token, raw = api_token_create(user=User.objects.get(username="admin"), name="bench")
            host = institution_domain(institution.code)
            server = _gunicorn(port, f"redis+socket://{socket}", log)
            _wait_for(port, server, log)
            up = _p95_ms(port, host, raw, member.pk, "运行")
            os.kill(redis.pid, signal.SIGSTOP)
            try:
                frozen = _p95_ms(port, host, raw, member.pk, "冻结")
            finally:
                os.kill(redis.pid, signal.SIGCONT)
            server.terminate()
            server.wait(timeout=60)
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        redis.kill()
        redis.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    return [("write_p95_ms_broker_frozen", frozen, "ms"), ("write_p95_ms_broker_up", up, "ms")]
