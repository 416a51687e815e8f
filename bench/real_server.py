"""A real web server for a benchmark: what `make run` serves (gunicorn with deploy/gunicorn.conf.py,
partycloud/devstack.py), started on a free port, and the CPU time its processes have used; with
``worker=True`` also the Celery worker `make run` starts beside it (messages such as the
development SMS are delivered there, after the request's commit)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from partycloud import devstack

ROOT = Path(__file__).resolve().parents[1]
_TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    port: int
    host: str
    pid: int
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server's master and worker processes so far, including
        the workers that have exited (recycled after GUNICORN_MAX_REQUESTS): the master has
        waited for them, so their time is in its children's time."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == self.pid:
                total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
            elif ppid == self.pid:
                total += int(fields[11]) + int(fields[12])
        return total / _TICKS


@contextmanager
def serving(host: str, *, worker: bool = False, **env: str) -> Iterator[Server]:
    """Serve on a free port with ``env`` on top of this process's environment (plain HTTP); the
    server's log (and the worker's, where the development SMS lines go) is written to
    ``Server.log``. The worker is not the server's: its CPU time is not in ``cpu_seconds``."""
    workdir = Path(tempfile.mkdtemp(prefix="partycloud-bench-"))
    port = _free_port()
    args, extra = devstack.web_server(port, environ=dict(os.environ), metrics_dir=workdir / "metrics")
    full_env = {**os.environ, **extra, "HTTPS": "0", "GUNICORN_ACCESSLOG": "off", **env}
    full_env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    log = workdir / "server.log"
    processes: list[subprocess.Popen[bytes]] = []
    with log.open("ab") as out, log.open("ab") as worker_out:
        try:
            server = subprocess.Popen(args, env=full_env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            processes.append(server)
            if worker:
                processes.append(
                    subprocess.Popen(
                        # --purge: messages a failed earlier run left queued are not delivered now
                        [*devstack.worker_command(), "--purge"],
                        env=full_env,
                        cwd=ROOT,
                        stdout=worker_out,
                        stderr=subprocess.STDOUT,
                    )
                )
            _wait_until_up(server, port, host)
            if worker:  # its --purge must not drop the first requests' messages
                _wait_for_worker(processes[-1], log)
            yield Server(port=port, host=host, pid=server.pid, log=log)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
            shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_up(server: subprocess.Popen[bytes], port: int, host: str) -> None:
    deadline = time.monotonic() + 60
    while server.poll() is None and time.monotonic() < deadline:
        try:
            response = requests.get(f"http://127.0.0.1:{port}/healthz/live", headers={"Host": host}, timeout=5)
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("the benchmark's server did not start")


def _wait_for_worker(worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while worker.poll() is None and time.monotonic() < deadline:
        if " ready." in log.read_text("utf-8", errors="replace"):
            return
        time.sleep(0.1)
    raise RuntimeError("the benchmark's worker did not start")
