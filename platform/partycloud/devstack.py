"""`make run` and `make test` in one place: start what the app needs, then the app or the tests.

    PYTHONPATH=platform python -m partycloud.devstack run    # servers, migrate, seed, web + worker + beat
    PYTHONPATH=platform python -m partycloud.devstack test -- <pytest args>
    PYTHONPATH=platform python -m partycloud.devstack bench [figure ...]

Where DATABASE_URL / CELERY_BROKER_URL are set, those servers are used and nothing embedded
starts. Ctrl-C (or SIGTERM) stops every child process and the embedded servers cleanly; the
data under .data/ stays for the next run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("PARTYCLOUD_DATA_DIR") or ROOT / ".data")
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from partycloud import embedded, vendor  # noqa: E402


class Stack:
    def __init__(self, data_dir: Path, *, for_tests: bool) -> None:
        self.data_dir = data_dir
        self.for_tests = for_tests
        self.children: list[subprocess.Popen[bytes]] = []
        self.pg_dir: Path | None = None
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT), str(ROOT / "platform"), self.env.get("PYTHONPATH")])
        )
        self.env.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
        self.env.setdefault("PARTYCLOUD_DATA_DIR", str(data_dir))
        self.env.setdefault("PARTYCLOUD_DEV", "1")  # generated secrets under the data dir are fine here

    def start_services(self) -> None:
        if not self.env.get("DATABASE_URL"):
            self.pg_dir = self.data_dir / "pg"
            print(f"· PostgreSQL (embedded) in {self.pg_dir}", flush=True)
            self.env["DATABASE_URL"] = embedded.ensure_postgres(
                self.pg_dir, database="partycloud", tuned_for_tests=self.for_tests
            )
        if not self.env.get("CELERY_BROKER_URL"):
            process, socket = embedded.start_redis(self.data_dir / "redis", persistent=not self.for_tests)
            self.children.append(process)
            self.env["CELERY_BROKER_URL"] = f"redis+socket://{socket}"
            print(f"· Redis (embedded) on {socket}", flush=True)

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=self.env, check=True)

    def spawn(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        # Own process group: Ctrl-C reaches us, and we stop children in order.
        process = subprocess.Popen(list(args), env={**self.env, **(env or {})}, cwd=ROOT, start_new_session=True)
        self.children.append(process)
        return process

    def stop(self) -> None:
        """Stop children newest first, each before the next (beat and the worker before the
        broker they talk to), then the embedded PostgreSQL."""
        for process in reversed(self.children):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.pg_dir is not None:
            embedded.stop_postgres(self.pg_dir)


# What `make run` serves with: the production server and its configuration, sized for one
# machine. Django's runserver started a thread per request, and each thread kept a database
# connection of its own for CONN_MAX_AGE after it ended (about 100 idle connections after a
# thousand requests, PostgreSQL's limit within a minute of a few clients); gunicorn's threads
# are a fixed pool, so the web process holds at most workers x threads connections.
WEB_WORKERS = 2
WEB_THREADS = 4


def web_server(port: int, *, environ: dict[str, str], metrics_dir: Path) -> tuple[list[str], dict[str, str]]:
    """The web server's command line and the variables it adds (gunicorn reads them through
    deploy/gunicorn.conf.py); WEB_CONCURRENCY and GUNICORN_THREADS in ``environ`` win."""
    args = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
    env = {
        "GUNICORN_BIND": f"0.0.0.0:{port}",
        "WEB_CONCURRENCY": environ.get("WEB_CONCURRENCY") or str(WEB_WORKERS),
        "GUNICORN_THREADS": environ.get("GUNICORN_THREADS") or str(WEB_THREADS),
        # Ctrl-C: in-flight requests get a few seconds, not the production half minute.
        "GUNICORN_GRACEFUL_TIMEOUT": environ.get("GUNICORN_GRACEFUL_TIMEOUT") or "5",
        # /metrics adds up every worker's numbers (partycloud/metrics.py).
        "PROMETHEUS_MULTIPROC_DIR": environ.get("PROMETHEUS_MULTIPROC_DIR") or str(metrics_dir),
    }
    return args, env


def worker_command() -> list[str]:
    """The Celery worker's command line (`make run`, and the benchmarks' real server)."""
    return [sys.executable, "-m", "celery", "-A", "partycloud", "worker", "--loglevel=INFO", "--concurrency=2"]


def sandbox_payments(stack: Stack) -> None:
    """The sandbox payment provider (services/dues/sandbox_server.py) beside the app: its key is
    generated once under the data dir (the file the settings read too), its address handed to the
    app by environment."""
    key_file = stack.data_dir / "secrets" / "dues_sandbox_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(32))
        key_file.chmod(0o600)
    sandbox_port = stack.env.get("DUES_SANDBOX_PORT") or "8020"
    stack.env.setdefault("DUES_SANDBOX_KEY", key_file.read_text().strip())
    stack.env.setdefault("DUES_SANDBOX_URL", f"http://127.0.0.1:{sandbox_port}")
    stack.env.setdefault("DUES_SANDBOX_PUBLIC_URL", f"http://localhost:{sandbox_port}")
    stack.spawn(sys.executable, "-m", "services.dues.sandbox_server", "--port", sandbox_port)


def run(stack: Stack, port: int) -> int:
    stack.env.setdefault("HTTPS", "0")  # plain HTTP on localhost
    vendor.ensure()
    stack.start_services()
    sandbox_payments(stack)
    stack.manage("compiletranslations")
    stack.manage("migrate", "--noinput", "-v", "0")
    stack.manage("seed_demo")
    stack.manage("collectstatic", "--noinput", "-v", "0")
    python = sys.executable
    web_args, web_env = web_server(port, environ=stack.env, metrics_dir=stack.data_dir / "prometheus")
    stack.spawn(*web_args, env=web_env)
    stack.spawn(*worker_command())
    stack.spawn(
        python,
        "-m",
        "celery",
        "-A",
        "partycloud",
        "beat",
        "--loglevel=INFO",
        "--schedule",
        str(stack.data_dir / "celerybeat-schedule"),
    )
    print(
        f"\nPartyCloud is running: console http://localhost:{port} · institutions http://<code>.localhost:{port}"
        "\nCtrl-C stops everything.\n",
        flush=True,
    )
    while all(p.poll() is None for p in stack.children):
        time.sleep(0.5)
    failed = [p.args for p in stack.children if p.poll() not in (None, 0)]
    if failed:
        print(f"a process stopped unexpectedly: {failed}", file=sys.stderr)
        return 1
    return 0


ES_SCRIPTS = ROOT / "deploy" / "elasticsearch"


def _wants_elasticsearch(pytest_args: list[str]) -> bool:
    """The whole suite, or a selection that includes the search suite."""
    paths = [a for a in pytest_args if a.startswith("tests")]
    return not paths or any(p.startswith("tests/search") or p.rstrip("/") == "tests" for p in paths)


def start_test_elasticsearch(stack: Stack, pytest_args: list[str]) -> subprocess.Popen[bytes] | None:
    """A real Elasticsearch node on loopback for the search suite (deploy/elasticsearch), started
    in the background while the rest is set up. The suite runs its Elasticsearch half against
    ``ELASTICSEARCH_TEST_URL``; ``ELASTICSEARCH_URL`` stays unset so everything else uses the default
    backend. ``TEST_ELASTICSEARCH=0`` skips it (those tests then skip, saying why)."""
    if stack.env.get("TEST_ELASTICSEARCH", "1") == "0" or stack.env.get("ELASTICSEARCH_TEST_URL"):
        return None
    if not _wants_elasticsearch(pytest_args):
        return None
    port = stack.env.get("TEST_ELASTICSEARCH_PORT", "9250")
    stack.env["ES_BASE"] = str(stack.data_dir / "elasticsearch")
    stack.env["ES_PORT"] = port
    print(f"· Elasticsearch (loopback, for the search suite) on port {port}", flush=True)
    script = str(ES_SCRIPTS / "start-local.sh")
    return subprocess.Popen(["bash", script], env=stack.env, cwd=ROOT, stdout=subprocess.PIPE)


def test(stack: Stack, pytest_args: list[str]) -> int:
    elasticsearch = start_test_elasticsearch(stack, pytest_args)
    vendor.ensure()
    stack.start_services()
    stack.manage("compiletranslations")
    if elasticsearch is not None:
        out, _ = elasticsearch.communicate()
        if elasticsearch.returncode == 0:
            stack.env["ELASTICSEARCH_TEST_URL"] = out.decode().strip().splitlines()[-1]
        else:
            print("! Elasticsearch did not start; its tests will be skipped (see the log above)", flush=True)
    try:
        return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], env=stack.env, cwd=ROOT).returncode
    finally:
        if elasticsearch is not None and elasticsearch.returncode == 0:
            subprocess.run(["bash", str(ES_SCRIPTS / "stop-local.sh")], env=stack.env, cwd=ROOT, check=False)


def bench(stack: Stack, only: list[str]) -> int:
    stack.start_services()
    return subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), *only], env=stack.env, cwd=ROOT).returncode


def main() -> int:
    parser = argparse.ArgumentParser(prog="devstack")
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    test_parser = sub.add_parser("test")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    bench_parser = sub.add_parser("bench")
    bench_parser.add_argument("only", nargs="*", help="figure names to run (default: all)")
    args = parser.parse_args()

    for_tests = args.command == "test"
    data_dir = {"run": DATA, "test": DATA / "test", "bench": DATA / "bench"}[args.command]
    stack = Stack(data_dir, for_tests=for_tests)

    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # also when started in the background, where SIGINT is ignored
    try:
        if args.command == "run":
            return run(stack, args.port)
        if args.command == "bench":
            return bench(stack, args.only)
        extra = [a for a in args.pytest_args if a != "--"]
        return test(stack, extra)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
