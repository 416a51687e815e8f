"""Real PgBouncer and app-server processes for tests, each on a free loopback port.

Both are started in the foreground as children of the test process, waited for by polling
until they answer (bounded by a deadline), and stopped by pid in ``stop()``. Ports are picked
by binding port 0; another process can take the port before the child binds it, so a child
that exits at startup is retried on a fresh port.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
PGBOUNCER_CANDIDATES = ("pgbouncer", "/usr/sbin/pgbouncer")
START_ATTEMPTS = 4


class StartError(RuntimeError):
    pass


def pgbouncer_binary() -> str | None:
    for candidate in PGBOUNCER_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _connstring(**parts: object) -> str:
    def quote(value: object) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{key}={quote(value)}" for key, value in parts.items() if value != "")


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise StartError(f"{what} exited with status {process.returncode} while starting")
        if ready():
            return
        if time.monotonic() > deadline:
            raise StartError(f"{what} did not answer within {timeout:.0f}s")
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@dataclass
class PgBouncer:
    """A PgBouncer on 127.0.0.1 in front of one database of a PostgreSQL server."""

    workdir: Path
    port: int
    database: str
    user: str
    process: subprocess.Popen[bytes]

    host = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    def connect(self) -> psycopg2.extensions.connection:
        """A raw client connection (autocommit, so each statement is its own transaction)."""
        conn = psycopg2.connect(host=self.host, port=self.port, dbname=self.database, user=self.user, connect_timeout=5)
        conn.autocommit = True
        return conn

    def log(self) -> str:
        return _tail(self.workdir / "pgbouncer.log")

    def stop(self) -> None:
        # SIGINT is PgBouncer's "safe shutdown" (waits for clients); SIGTERM closes everything
        # now, which is what a finished test wants: no server connection may outlive it, or
        # the test database cannot be dropped.
        _stop(self.process, signal.SIGTERM)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _run_as(server_host: str) -> str | None:
    """The system user PgBouncer drops to: it refuses to run as root."""
    if os.geteuid() != 0:
        return None
    if not server_host.startswith("/"):
        return "nobody"
    # The embedded server's socket is reachable only by its own system user.
    owner = pwd.getpwuid(os.stat(server_host).st_uid).pw_name
    if owner == "root":
        raise StartError(f"PgBouncer cannot run as root, and the server's socket directory {server_host} is root's")
    return owner


def start_pgbouncer(
    *,
    server_host: str,
    server_port: str | int,
    database: str,
    user: str,
    password: str = "",
    pool_mode: str = "transaction",
    pool_size: int = 1,
    binary: str | None = None,
) -> PgBouncer:
    """Start PgBouncer on 127.0.0.1 for ``database`` of the server at ``server_host`` (a host
    name, or a unix socket directory as for libpq), logging in to it as ``user``."""
    binary = binary or pgbouncer_binary()
    if binary is None:
        raise StartError("pgbouncer is not installed")
    run_as = _run_as(server_host)
    # Not under pytest's tmp_path: that lives in a root-only directory the dropped user cannot enter.
    workdir = Path(tempfile.mkdtemp(prefix="partycloud-pgbouncer-"))
    if run_as is not None:
        entry = pwd.getpwnam(run_as)
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
    last_error: Exception | None = None
    server = _connstring(host=server_host, port=server_port or 5432, dbname=database, user=user, password=password)
    for _attempt in range(START_ATTEMPTS):
        port = free_port()
        config = workdir / "pgbouncer.ini"
        config.write_text(
            "[databases]\n"
            f"{database} = {server}\n"
            "\n[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\n"
            "unix_socket_dir =\n"
            # Every database above logs in as a fixed user, so clients need no password here.
            "auth_type = any\n"
            f"pool_mode = {pool_mode}\n"
            f"default_pool_size = {pool_size}\nmin_pool_size = 0\nreserve_pool_size = 0\n"
            "max_client_conn = 500\n"
            f"logfile = {workdir / 'pgbouncer.log'}\n"
            "log_connections = 0\nlog_disconnections = 0\n"
        )
        if run_as is not None:
            os.chown(config, entry.pw_uid, entry.pw_gid)
        args = [binary, *(["-u", run_as] if run_as else []), str(config)]
        with open(workdir / "stderr.log", "ab") as stderr:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
        bouncer = PgBouncer(workdir=workdir, port=port, database=database, user=user, process=process)

        def answers(bouncer: PgBouncer = bouncer) -> bool:
            try:
                conn = bouncer.connect()
            except psycopg2.OperationalError:
                return False
            try:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT 1")  # reaches the server, not just the listener
                return True
            except psycopg2.OperationalError:
                return False
            finally:
                conn.close()

        try:
            _wait_until(answers, process, timeout=30, what="pgbouncer")
            return bouncer
        except StartError as exc:
            last_error = StartError(f"{exc}\n{bouncer.log()}\n{_tail(workdir / 'stderr.log')}")
            _stop(process)
    shutil.rmtree(workdir, ignore_errors=True)
    raise StartError(f"pgbouncer did not start after {START_ATTEMPTS} attempts") from last_error


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class AppServer:
    """The WSGI app under gunicorn (threaded workers, as in production)."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    _workdir: Path = field(repr=False)

    def request(self, path: str, *, host: str, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
        reply = self.get(path, host=host, headers=headers)
        return reply.status, reply.body

    def get(self, path: str, *, host: str, headers: Mapping[str, str] | None = None, timeout: float = 60) -> Reply:
        """GET ``path`` on ``host``; a reply that takes longer than ``timeout`` raises TimeoutError."""
        conn = HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Host": f"{host}:{self.port}", **(headers or {})})
            response = conn.getresponse()
            return Reply(status=response.status, headers=dict(response.getheaders()), body=response.read())
        finally:
            conn.close()

    def log(self) -> str:
        return _tail(self.log_path)

    def stop(self) -> None:
        _stop(self.process, signal.SIGTERM, timeout=20)
        shutil.rmtree(self._workdir, ignore_errors=True)


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an app server on ``database_url`` (plain HTTP), sharing this process's
    data directory, so SECRET_KEY (and with it token digests) match."""
    env = {"DATABASE_URL": database_url, "HTTPS": "0", **extra}
    if os.environ.get("PARTYCLOUD_DATA_DIR"):
        env["PARTYCLOUD_DATA_DIR"] = os.environ["PARTYCLOUD_DATA_DIR"]
    return env


def _server_env(env: Mapping[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partycloud.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        **env,
    }


def start_server(
    command: Callable[[int, Path], tuple[list[str], Mapping[str, str]]], env: Mapping[str, str], *, what: str
) -> AppServer:
    """Start a web server process: ``command(port, workdir)`` gives its arguments and the
    environment it adds (``workdir`` is the server's scratch directory, removed when it stops);
    ``env`` is merged over this process's environment."""
    workdir = Path(tempfile.mkdtemp(prefix="partycloud-app-"))
    log_path = workdir / "server.log"
    last_error: Exception | None = None
    for _attempt in range(START_ATTEMPTS):
        port = free_port()
        args, port_env = command(port, workdir)
        full_env = {**_server_env(env), **port_env}
        with open(log_path, "ab") as log:
            process = subprocess.Popen(args, env=full_env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        server = AppServer(port=port, process=process, log_path=log_path, _workdir=workdir)

        def answers(server: AppServer = server) -> bool:
            try:
                return server.request("/healthz/live", host="localhost")[0] == 200
            except OSError:
                return False

        try:
            _wait_until(answers, process, timeout=60, what=what)
            return server
        except StartError as exc:
            last_error = StartError(f"{exc}\n{server.log()}")
            _stop(process)
    shutil.rmtree(workdir, ignore_errors=True)
    raise StartError(f"{what} did not start after {START_ATTEMPTS} attempts") from last_error


def start_app_server(env: Mapping[str, str], *, workers: int = 2, threads: int = 8) -> AppServer:
    """Start ``partycloud.wsgi`` under gunicorn with ``env`` (merged over this process's env)."""

    def gunicorn(port: int, workdir: Path) -> tuple[list[str], Mapping[str, str]]:
        args = [
            sys.executable, "-m", "gunicorn", "partycloud.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
            "--graceful-timeout", "5", "--timeout", "120",
            # One fixed control-socket path per user would be shared by every server started
            # at once (xdist workers, other checkouts); these need no control interface.
            "--no-control-socket",
        ]  # fmt: skip
        return args, {}

    return start_server(gunicorn, env, what="gunicorn")


def start_deploy_gunicorn(env: Mapping[str, str], *, workers: int, threads: int) -> AppServer:
    """gunicorn exactly as the image runs it (``--config deploy/gunicorn.conf.py``), sized
    through the variables that config reads."""

    def deployed(port: int, workdir: Path) -> tuple[list[str], Mapping[str, str]]:
        args = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
        sizing = {"WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads)}
        return args, {**sizing, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": "off"}

    return start_server(deployed, env, what="gunicorn (deploy config)")


def start_make_run_server(env: Mapping[str, str]) -> tuple[AppServer, int, int]:
    """The web server `make run` starts (partycloud/devstack.py), on a loopback port; with its
    size (workers, threads)."""
    from partycloud import devstack

    sizes: dict[str, int] = {}

    def make_run(port: int, workdir: Path) -> tuple[list[str], Mapping[str, str]]:
        args, web_env = devstack.web_server(port, environ={**os.environ, **env}, metrics_dir=workdir / "metrics")
        sizes.update(workers=int(web_env["WEB_CONCURRENCY"]), threads=int(web_env["GUNICORN_THREADS"]))
        # Loopback only, and the access log of a thousand requests is noise here.
        return args, {**web_env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": "off"}

    server = start_server(make_run, env, what="the make run web server")
    return server, sizes["workers"], sizes["threads"]
