"""Gunicorn configuration for PartyCloud (the image's default command).

    gunicorn --config deploy/gunicorn.conf.py

Every value comes from the environment, like the Django settings (see deploy/env.example,
"Gunicorn"). Gunicorn runs behind nginx or an ingress controller, never exposed directly.
"""

from __future__ import annotations

import glob
import os


def _str(name: str, default: str) -> str:
    """The variable, or the default when it is unset or empty (as settings/env.py reads them)."""
    raw = os.environ.get(name, "").strip()
    return raw or default


def _int(name: str, default: int) -> int:
    raw = _str(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


wsgi_app = "partycloud.wsgi:application"
proc_name = "partycloud-web"

bind = _str("GUNICORN_BIND", f"0.0.0.0:{_str('PORT', '8000')}")

# Processes x threads = concurrent requests per container; each thread keeps its own database
# connection (DATABASE_CONN_MAX_AGE), so size PgBouncer's max_client_conn for
# replicas x workers x threads (the threads are a fixed pool: a burst of requests does not add
# connections; tests/platform/test_db_connections.py). Scale out with more containers rather
# than more workers. `make run` serves with this file too (partycloud/devstack.py).
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"

timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Above the proxy's upstream keep-alive timeout, so gunicorn never closes a connection the
# proxy is about to reuse (which shows up as sporadic 502s).
keepalive = _int("GUNICORN_KEEPALIVE", 75)

# Recycle workers now and then: bounds the damage of a slow leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Which peers may set X-Forwarded-Proto (wsgi.url_scheme). Gunicorn reads FORWARDED_ALLOW_IPS
# itself too; repeated here so the effective value is visible in one place. In containers the
# proxy's address is not fixed: use `*` and keep gunicorn unreachable except through the proxy.
forwarded_allow_ips = _str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr for the container runtime. %(h)s is the proxy's address (REMOTE_ADDR);
# the whole X-Forwarded-For chain is logged first. Only its last TRUSTED_PROXY_COUNT entries were
# written by our proxies (the app records the one TRUSTED_PROXY_COUNT from the right); anything
# further left is what the client sent.
_accesslog = _str("GUNICORN_ACCESSLOG", "-")
accesslog = None if _accesslog.lower() in {"off", "none"} else _accesslog
access_log_format = '%({x-forwarded-for}i)s %(h)s "%({host}i)s" "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
errorlog = "-"
loglevel = _str("GUNICORN_LOGLEVEL", "info")

# The worker heartbeat file on tmpfs: a disk-backed /tmp can stall workers (gunicorn docs,
# "Blocking os.fchmod").
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    worker_tmp_dir = "/dev/shm"

# No runtime control socket (gunicornc): nothing uses it, and it would be created under
# $HOME, which a read-only root filesystem does not allow.
control_socket_disable = True


# Prometheus multiprocess mode (partycloud/metrics.py). With PROMETHEUS_MULTIPROC_DIR set every
# worker writes its samples to files in that directory and /metrics aggregates them. The
# variable must be in the environment before the workers import prometheus_client (set it on
# the container, not in Django settings); the directory must exist and must not keep files of
# a previous run.
_multiproc_dir = _str("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server):  # type: ignore[no-untyped-def]
    if _multiproc_dir:
        os.makedirs(_multiproc_dir, exist_ok=True)
        for stale in glob.glob(os.path.join(_multiproc_dir, "*.db")):
            os.remove(stale)
        server.log.info("prometheus multiprocess directory: %s (cleared)", _multiproc_dir)
    elif workers > 1:
        server.log.warning(
            "PROMETHEUS_MULTIPROC_DIR is not set with %d workers: /metrics will show only the "
            "numbers of whichever worker answers the scrape",
            workers,
        )


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """A new worker pays its one-time costs (views imported, templates compiled, catalogues
    read) before its first request, not during it (partycloud/warmup.py)."""
    from partycloud.warmup import warm_up

    warm_up()


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A worker exited (recycled, killed, or shut down): drop its live-gauge files."""
    if _multiproc_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
