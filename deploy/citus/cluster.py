"""A local Citus cluster on loopback: a coordinator and two workers, for development and the
Citus test suite. Production installs Citus from its official packages or images (README.md).

    python deploy/citus/cluster.py build           # build Citus into the cache (once per version)
    python deploy/citus/cluster.py start           # start the three nodes, print the coordinator's URL
    python deploy/citus/cluster.py stop            # stop them (the data stays under .data/citus)
    python deploy/citus/cluster.py status
    python deploy/citus/cluster.py test -- <pytest args>   # start, run the Citus suite, stop
    python deploy/citus/cluster.py bench [figure ...]     # start, run bench figures on it, stop
                                                   # (none: the single-node ones to compare, then all)

Where Citus comes from:
- ``PARTYCLOUD_CITUS_SOURCE``: a Citus source tarball (citus-<version>.tar.gz). It is checked
  against ``<tarball>.sha256`` when that file sits beside it, then built against the embedded
  PostgreSQL (the pgserver wheel) into ``PARTYCLOUD_CITUS_CACHE`` (default
  ``~/.cache/partycloud``), outside the clone: ``citus-<version>-pg<major>/``. The wheel's
  PostgreSQL tree is copied there first (the wheel stays untouched), so the build is one
  ``configure && make && make install`` against that copy's ``pg_config``; about a minute on two
  cores, then reused.
- ``PARTYCLOUD_CITUS_PG_BIN``: the bin directory of a PostgreSQL that already has Citus installed
  (Citus's packages); nothing is built.

The nodes run the way the embedded PostgreSQL does (partycloud/embedded.py): as the invoking
user, or as the unprivileged ``pgserver`` user when invoked as root (PostgreSQL refuses root),
with their data under ``.data/citus/<node>`` (``PARTYCLOUD_CITUS_DATA``) and listening only on
127.0.0.1, on ports picked once and kept in ``.data/citus/cluster.json``.

Standard library only (plus the pgserver wheel for the PostgreSQL it builds against), so the
tests and CI can use it before Django is configured.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_ENV = "PARTYCLOUD_CITUS_SOURCE"
PG_BIN_ENV = "PARTYCLOUD_CITUS_PG_BIN"
CACHE_ENV = "PARTYCLOUD_CITUS_CACHE"
DATA_ENV = "PARTYCLOUD_CITUS_DATA"
NODES = ("coordinator", "worker1", "worker2")
HOST = "127.0.0.1"
DATABASE = "partycloud"
RUN_AS_ROOT_USER = "pgserver"  # the same unprivileged user the pgserver wheel uses

# Throwaway test data: durability buys nothing. wal_level=logical lets Citus move a schema's
# shards between workers without blocking writes.
SERVER_SETTINGS = {
    "shared_preload_libraries": "'citus'",
    "listen_addresses": f"'{HOST}'",
    "unix_socket_directories": "''",
    "max_connections": "200",
    "shared_buffers": "'128MB'",
    "wal_level": "logical",
    "max_prepared_transactions": "100",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "citus.log_distributed_deadlock_detection": "off",
    # The append-only and guard triggers of institution tables run on the workers; Citus asks
    # for this before it distributes, creates or drops a trigger on a distributed table.
    "citus.enable_unsafe_triggers": "on",
}


class CitusUnavailable(RuntimeError):
    """No Citus source or installation was given: the Citus suite skips with this message."""


def log(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


# --- building ------------------------------------------------------------------------------


def _pgserver_dir() -> Path:
    os.environ.setdefault("XDG_RUNTIME_DIR", os.path.join(tempfile.gettempdir(), f"partycloud-run-{os.getuid()}"))
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    import pgserver  # the embedded PostgreSQL the project already uses

    return Path(pgserver.__file__).resolve().parent


def cache_root() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "partycloud"


def _source_version(tarball: Path) -> str:
    match = re.fullmatch(r"citus-(\d+\.\d+(?:\.\d+)?)\.tar\.gz", tarball.name)
    if not match:
        raise CitusUnavailable(f"{SOURCE_ENV} must name a citus-<version>.tar.gz, not {tarball.name}")
    return match.group(1)


def verify_checksum(tarball: Path) -> None:
    """Compare the tarball with the ``<tarball>.sha256`` beside it, when there is one."""
    sums = tarball.with_name(tarball.name + ".sha256")
    if not sums.exists():
        log(f"no {sums.name} beside the tarball: not verified")
        return
    expected = sums.read_text().split()[0].lower()
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != expected:
        raise RuntimeError(f"{tarball} does not match {sums.name}: sha256 {digest}, expected {expected}")


def _pg_major(pg_config: Path) -> str:
    version = subprocess.run([str(pg_config), "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"PostgreSQL (\d+)", version)
    if not match:
        raise RuntimeError(f"unexpected pg_config --version: {version!r}")
    return match.group(1)


def _traversable(path: Path) -> None:
    """Let the unprivileged server user reach ``path`` (as pgserver does for its own tree)."""
    if os.geteuid() != 0:
        return
    for prefix in [path, *path.parents]:
        mode = prefix.stat().st_mode
        if mode & 0o011 != 0o011:
            prefix.chmod(mode | 0o011)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def build(tarball: Path) -> Path:
    """Build Citus from ``tarball`` into the cache, once; return the PostgreSQL bin directory
    that has it. The PostgreSQL tree is copied next to the wheel's ``pgserver.libs`` layout
    (its client programs find libpq through the RPATH ``$ORIGIN/../../../pgserver.libs``)."""
    tarball = tarball.expanduser().resolve()
    if not tarball.is_file():
        raise CitusUnavailable(f"{SOURCE_ENV}={tarball} does not exist")
    version = _source_version(tarball)
    wheel = _pgserver_dir()
    major = _pg_major(wheel / "pginstall" / "bin" / "pg_config")
    target = cache_root() / f"citus-{version}-pg{major}"
    bin_dir = target / "pgserver" / "pginstall" / "bin"
    done = target / "BUILT"
    with _locked(cache_root() / f".citus-{version}-pg{major}.lock"):
        if done.exists():
            return bin_dir
        verify_checksum(tarball)
        started = time.monotonic()
        log(f"building Citus {version} for PostgreSQL {major} into {target}")
        if target.exists():
            shutil.rmtree(target)  # a build that stopped half-way
        try:
            # Built in place: citus.so records its libpq's absolute directory.
            shutil.copytree(wheel / "pginstall", target / "pgserver" / "pginstall", symlinks=True)
            shutil.copytree(wheel.parent / "pgserver.libs", target / "pgserver.libs", symlinks=True)
            source_root = target / "src"
            with tarfile.open(tarball) as archive:
                archive.extractall(source_root, filter="data")
            (source,) = [p for p in source_root.iterdir() if p.is_dir()]
            pg_config = bin_dir / "pg_config"
            build_log = target / "build.log"
            with open(build_log, "w") as out:
                for step in (
                    ["./configure", f"PG_CONFIG={pg_config}", "--without-libcurl", "--without-lz4", "--without-zstd"],
                    ["make", f"-j{os.cpu_count() or 2}"],
                    ["make", "install"],
                ):
                    result = subprocess.run(step, cwd=source, stdout=out, stderr=subprocess.STDOUT, check=False)
                    if result.returncode != 0:
                        raise RuntimeError(f"{' '.join(step)} failed; see {build_log}")
            shutil.rmtree(source_root)
            _traversable(target)
            subprocess.run(["chmod", "-R", "go+rX", str(target)], check=True)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        done.write_text(f"{time.monotonic() - started:.1f}\n")
        log(f"built in {time.monotonic() - started:.1f} s")
    return bin_dir


def installation() -> Path:
    """The bin directory of a PostgreSQL with Citus: built from PARTYCLOUD_CITUS_SOURCE, or given
    by PARTYCLOUD_CITUS_PG_BIN; CitusUnavailable (with the reason) when neither is set."""
    given = os.environ.get(PG_BIN_ENV)
    if given:
        bin_dir = Path(given).expanduser().resolve()
        pkglib = subprocess.run(
            [str(bin_dir / "pg_config"), "--pkglibdir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if not (Path(pkglib) / "citus.so").exists():
            raise CitusUnavailable(f"{PG_BIN_ENV}={bin_dir}: no citus.so in {pkglib}")
        return bin_dir
    source = os.environ.get(SOURCE_ENV)
    if source:
        return build(Path(source))
    raise CitusUnavailable(
        f"no Citus: set {SOURCE_ENV} to a Citus source tarball (CI uses ../shared/vendor/citus-13.2.2.tar.gz) "
        f"or {PG_BIN_ENV} to the bin directory of a PostgreSQL with Citus installed"
    )


# --- running ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Node:
    name: str
    port: int
    data: Path

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"


class Cluster:
    def __init__(self, bin_dir: Path, data_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir
        self.data_dir = (data_dir or Path(os.environ.get(DATA_ENV) or ROOT / ".data" / "citus")).resolve()
        self.state = self.data_dir / "cluster.json"
        self.run_as = RUN_AS_ROOT_USER if os.geteuid() == 0 else None
        ports = json.loads(self.state.read_text()) if self.state.exists() else {}
        self.nodes = [Node(name, int(ports.get(name) or 0), self.data_dir / name) for name in NODES]

    @property
    def coordinator(self) -> Node:
        return self.nodes[0]

    @property
    def workers(self) -> list[Node]:
        return self.nodes[1:]

    def _as_server_user(self, args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, user=self.run_as, text=True, capture_output=True, check=False, **kwargs)  # type: ignore[call-overload]

    def psql(self, node: Node, sql: str, *, database: str = DATABASE) -> str:
        result = subprocess.run(
            [str(self.bin_dir / "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
            env={**os.environ, "PGHOST": HOST, "PGPORT": str(node.port), "PGUSER": "postgres", "PGDATABASE": database},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{node.name}: {sql}: {result.stderr.strip()}")
        return result.stdout.strip()

    def _init(self, node: Node) -> None:
        if (node.data / "PG_VERSION").exists():
            return
        node.data.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            shutil.chown(node.data, self.run_as, self.run_as)
            _traversable(node.data)
        result = self._as_server_user(
            [str(self.bin_dir / "initdb"), "-D", str(node.data), "--auth=trust", "-U", "postgres", "-E", "utf8"]
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb {node.name} failed: {result.stderr.strip()}")

    def _configure(self, node: Node) -> None:
        settings = {**SERVER_SETTINGS, "port": str(node.port)}
        lines = [f"{key} = {value}" for key, value in settings.items()]
        conf = node.data / "postgresql.auto.conf"
        conf.write_text("# written by deploy/citus/cluster.py\n" + "\n".join(lines) + "\n")
        if self.run_as:
            shutil.chown(conf, self.run_as, self.run_as)

    def running(self, node: Node) -> bool:
        if not (node.data / "postmaster.pid").exists():
            return False
        result = self._as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(node.data), "status"])
        return result.returncode == 0

    def start(self, *, database: str = DATABASE) -> str:
        """Start every node (initdb the first time), create ``database`` with Citus on each and
        register the workers with the coordinator; return the coordinator's URL. Idempotent."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not all(node.port for node in self.nodes):
            for node in self.nodes:
                node.port = node.port or _free_port()
            self.state.write_text(json.dumps({node.name: node.port for node in self.nodes}))
        for node in self.nodes:
            self._init(node)
            if not self.running(node):
                self.start_node(node)
        self.create_database(database)
        return self.coordinator.url(database)

    def start_node(self, node: Node) -> None:
        self._configure(node)
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(node.data), "-w", "-t", "60", "-l", str(node.data / "log")]
        result = self._as_server_user([*command, "start"])
        if result.returncode != 0:
            log_text = (node.data / "log").read_text()[-2000:] if (node.data / "log").exists() else ""
            raise RuntimeError(f"{node.name} did not start: {result.stderr.strip()}\n{log_text}")

    def crash(self, node: Node) -> None:
        """Stop ``node`` the way a power cut would (immediate shutdown: no checkpoint, clients cut
        off, crash recovery at the next start), for the failure tests."""
        pg_ctl = str(self.bin_dir / "pg_ctl")
        result = self._as_server_user([pg_ctl, "-D", str(node.data), "-w", "-m", "immediate", "stop"])
        if result.returncode != 0:
            raise RuntimeError(f"{node.name} did not stop: {result.stderr.strip()}")

    def node_at(self, address: str) -> Node:
        """The node listening on ``address`` ("host:port", as Citus names it)."""
        port = int(address.rpartition(":")[2])
        return next(node for node in self.nodes if node.port == port)

    def create_database(self, database: str) -> None:
        """``database`` on every node with the citus extension, the workers registered with the
        coordinator (the same name on every node: Citus connects to the one it is in)."""
        for node in self.nodes:
            exists = self.psql(node, f"SELECT 1 FROM pg_database WHERE datname = '{database}'", database="postgres")
            if not exists:
                self.psql(node, f'CREATE DATABASE "{database}"', database="postgres")
            self.psql(node, "CREATE EXTENSION IF NOT EXISTS citus", database=database)
        coordinator = self.coordinator
        self.psql(coordinator, f"SELECT citus_set_coordinator_host('{HOST}', {coordinator.port})", database=database)
        known = self.psql(coordinator, "SELECT nodeport FROM pg_dist_node", database=database)
        for worker in self.workers:
            if str(worker.port) not in known.split():
                self.psql(coordinator, f"SELECT citus_add_node('{HOST}', {worker.port})", database=database)

    def drop_database(self, database: str) -> None:
        for node in reversed(self.nodes):
            if self.running(node):
                self.psql(node, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', database="postgres")

    def stop(self) -> None:
        for node in reversed(self.nodes):
            if self.running(node):
                result = self._as_server_user(
                    [str(self.bin_dir / "pg_ctl"), "-D", str(node.data), "-w", "-m", "fast", "stop"]
                )
                if result.returncode != 0:
                    raise RuntimeError(f"{node.name} did not stop: {result.stderr.strip()}")

    def status(self) -> list[str]:
        return [f"{n.name}: {HOST}:{n.port} {'running' if self.running(n) else 'stopped'}" for n in self.nodes]

    def environment(self, database: str = DATABASE) -> dict[str, str]:
        """What the application needs to run on this cluster."""
        return {
            "DATABASE_URL": self.coordinator.url(database),
            "PARTYCLOUD_CITUS": "1",
            "PG_BIN_DIR": str(self.bin_dir),
        }


def run_suite(cluster: Cluster, pytest_args: list[str]) -> int:
    """The Citus suite through `make test`'s own runner (partycloud.devstack), pointed at the
    coordinator: devstack starts nothing embedded for the database when DATABASE_URL is set.
    The test database is created fresh with Citus on every node here, and pytest reuses it
    (--reuse-db): Django's own CREATE DATABASE would make it on the coordinator only."""
    test_database = os.environ.get("DATABASE_TEST_NAME") or "test_partycloud"
    cluster.drop_database(test_database)
    cluster.create_database(test_database)
    env = {**os.environ, **cluster.environment(), "TEST_ELASTICSEARCH": "0"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "platform"), env.get("PYTHONPATH")]))
    # Its own Redis and files, so a `make test` in the same clone cannot stop them under it.
    env.setdefault("PARTYCLOUD_DATA_DIR", str(ROOT / ".data" / "citus-suite"))
    args = pytest_args or ["-p", "no:xdist", "-q", "tests/citus"]
    command = [sys.executable, "-m", "partycloud.devstack", "test", "--", "--reuse-db", *args]
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


# What the Citus figures are compared with: measured on one server (the embedded PostgreSQL of
# `make bench`) in the same run, just before.
SINGLE_NODE_FIGURES = ("provision_clone_s", "member_list_p95_ms", "routing_overhead_pct")


def run_bench(cluster: Cluster, figures: list[str]) -> int:
    """`make bench`'s runner against the coordinator, in a database of its own (kept between
    runs). Without ``figures``: the single-node figures first, then every Citus figure."""
    env = {**os.environ}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "platform"), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "partycloud.devstack", "bench"]
    if not figures:
        one_server = {k: v for k, v in env.items() if k not in ("DATABASE_URL", "PARTYCLOUD_CITUS")}
        done = subprocess.run([*command, *SINGLE_NODE_FIGURES], env=one_server, cwd=ROOT, check=False)
        if done.returncode:
            return done.returncode
    cluster.create_database("partycloud_bench")
    env.update(cluster.environment("partycloud_bench"))
    return subprocess.run([*command, *(figures or ["citus_provision_s"])], env=env, cwd=ROOT, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(prog="deploy/citus/cluster.py")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "start", "stop", "status", "env"):
        sub.add_parser(name)
    test_parser = sub.add_parser("test")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    bench_parser = sub.add_parser("bench")
    bench_parser.add_argument("figures", nargs="*")
    args = parser.parse_args()
    try:
        bin_dir = installation()
    except CitusUnavailable as exc:
        if args.command in {"test", "bench"}:  # nothing to run on: skipped, saying why
            print(f"Citus suite skipped: {exc}", file=sys.stderr)
            return 0
        print(f"Citus is not available: {exc}", file=sys.stderr)
        return 2
    if args.command == "build":
        print(bin_dir)
        return 0
    cluster = Cluster(bin_dir)
    if args.command == "start":
        started = time.monotonic()
        print(cluster.start())
        log(f"cluster up in {time.monotonic() - started:.1f} s")
        return 0
    if args.command == "stop":
        cluster.stop()
        return 0
    if args.command == "status":
        print("\n".join(cluster.status()))
        return 0
    if args.command == "env":
        print("\n".join(f"export {k}={v}" for k, v in cluster.environment().items()))
        return 0
    started = time.monotonic()
    cluster.start()
    log(f"cluster up in {time.monotonic() - started:.1f} s: {', '.join(cluster.status())}")
    try:
        if args.command == "bench":
            return run_bench(cluster, args.figures)
        return run_suite(cluster, [a for a in args.pytest_args if a != "--"])
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
