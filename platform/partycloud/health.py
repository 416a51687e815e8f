"""Health: /healthz/live (the process answers) and /healthz (every dependency answers:
database, broker, storage, search). Non-200 when a dependency is down, for load balancers
and monitors.

Each check is a real round trip (a new database connection and ``SELECT 1``, a Redis PING or an
AMQP handshake, the storage and search backends' own pings) with its client's socket timeouts
set, and runs in a thread of its own: the answer waits for a check at most
HEALTH_CHECK_TIMEOUT_SECONDS, whatever the dependency does (a connect that succeeds on a stopped
server, a reply that never comes), and a check still running then is reported down as timed
out. Until that probe returns, later requests report the dependency down at once instead of
starting another probe, so a monitor polling every few seconds cannot pile up threads: at most
one probe thread per dependency per process.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# libpq counts connect_timeout in whole seconds and treats anything below 2 as 2.
_LIBPQ_MIN_CONNECT_TIMEOUT = 2


def check_database(timeout: float) -> str:
    """A new connection (not one a request thread keeps) and a query on it."""
    import psycopg2

    params = connections["default"].get_connection_params()
    params["connect_timeout"] = max(_LIBPQ_MIN_CONNECT_TIMEOUT, math.ceil(timeout))
    conn = psycopg2.connect(**params)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        conn.close()
    return "postgresql"


def check_broker(timeout: float) -> str:
    """Redis: a connection and a PING (kombu's channel sends it); AMQP: the handshake. One
    attempt, no retries, every socket operation bounded by ``timeout``."""
    from kombu import Connection

    conn = Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout)
    try:
        driver = str(conn.transport.driver_type)
        conn.transport_options = {
            "redis": {"socket_timeout": timeout, "socket_connect_timeout": timeout},
            "amqp": {"read_timeout": timeout, "write_timeout": timeout},
        }.get(driver, {})
        conn.ensure_connection(max_retries=0)
        return driver
    finally:
        conn.release()


def check_storage(timeout: float) -> str:
    from services.storage.backends import get_storage

    # Read-only: load balancers call this every few seconds; a probe object per call was waste.
    get_storage().ping()
    return settings.STORAGE_BACKEND


def check_search(timeout: float) -> str:
    from services.search.backends import get_backend

    backend = get_backend()
    backend.ping()
    return backend.name


CHECKS: dict[str, Callable[[float], str]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "search": check_search,
}


@functools.cache
def _load_clients() -> None:
    """Import the clients the checks use before any check's clock starts: the first import of
    the search backend (jieba, pinyin) alone takes seconds, which is no dependency's fault.
    Builds client objects only; nothing here talks to a dependency."""
    from kombu import Connection

    from services.search.backends import get_backend
    from services.storage.backends import get_storage

    Connection(settings.CELERY_BROKER_URL).transport  # noqa: B018 (imports the transport's module)
    get_storage()
    get_backend()


@dataclass
class Probe:
    """One run of one check, in its own thread."""

    name: str
    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    outcome: dict[str, Any] | None = None
    finished: float | None = None


_running: dict[str, Probe] = {}
_running_lock = threading.Lock()


def _is_timeout(exc: BaseException | None) -> bool:
    """Whether a client gave up waiting (its socket timeout), through any wrapping: socket.timeout
    is TimeoutError, redis-py has its own TimeoutError, kombu re-raises it as its
    OperationalError, libpq says "timeout expired"."""
    while exc is not None:
        if isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__:
            return True
        message = str(exc).lower()
        if "timeout" in message or "timed out" in message:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _run(probe: Probe, check: Callable[[float], str], timeout: float) -> None:
    try:
        probe.outcome = {"ok": True, "backend": check(timeout)}
    except Exception as exc:  # a health check reports every failure, whatever it is
        # The log gets the details; the (unauthenticated) answer only names the failure.
        logger.warning("health check %s failed", probe.name, exc_info=True)
        probe.outcome = {"ok": False, "error": type(exc).__name__}
        if _is_timeout(exc):
            probe.outcome["timed_out"] = True
    finally:
        probe.finished = time.monotonic()
        connections.close_all()  # this thread's own (the search backend's ping uses one)
        with _running_lock:
            if _running.get(probe.name) is probe:
                del _running[probe.name]
        probe.done.set()


def _probe(name: str, check: Callable[[float], str], timeout: float) -> Probe:
    """The probe of ``name`` that is running, or a new one started now."""
    with _running_lock:
        running = _running.get(name)
        if running is not None:
            return running
        probe = _running[name] = Probe(name=name)
    threading.Thread(target=_run, args=(probe, check, timeout), name=f"healthz-{name}", daemon=True).start()
    return probe


def run_checks(checks: dict[str, Callable[[float], str]], timeout: float) -> dict[str, dict[str, Any]]:
    """Every check's result, within ``timeout`` seconds of the call, whatever the checks do."""
    started = time.monotonic()
    deadline = started + timeout
    probes = {name: _probe(name, check, timeout) for name, check in checks.items()}
    results: dict[str, dict[str, Any]] = {}
    for name, probe in probes.items():
        if probe.started + timeout < started:
            # Started by an earlier request and still running past its own deadline: hung.
            stuck = round(started - probe.started, 1)
            results[name] = {"ok": False, "error": "timeout", "timed_out": True, "stuck_for_s": stuck}
            continue
        # A probe another request started moments ago is shared (two monitors polling at once).
        probe.done.wait(max(0.0, deadline - time.monotonic()))
        outcome, finished = probe.outcome, probe.finished
        if outcome is None or finished is None:
            results[name] = {"ok": False, "error": "timeout", "timed_out": True, "ms": round(timeout * 1000, 1)}
        else:
            results[name] = {**outcome, "ms": round((finished - probe.started) * 1000, 1)}
    return results


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    _load_clients()
    results = run_checks(CHECKS, float(settings.HEALTH_CHECK_TIMEOUT_SECONDS))
    healthy = all(result["ok"] for result in results.values())
    body = {"status": "ok" if healthy else "fail", "checks": results}
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
