"""Health: /healthz/live (the process answers) and /healthz (every dependency answers:
database, broker, storage, search). Non-200 when a dependency is down, for load balancers
and monitors."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "postgresql"


def check_broker() -> str:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return str(conn.transport.driver_type)


def check_storage() -> str:
    from services.storage.backends import get_storage

    # Read-only: load balancers call this every few seconds; a probe object per call was waste.
    get_storage().ping()
    return settings.STORAGE_BACKEND


def check_search() -> str:
    from services.search.backends import get_backend

    backend = get_backend()
    backend.ping()
    return backend.name


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "search": check_search,
}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            backend = check()
            results[name] = {"ok": True, "backend": backend}
        except Exception as exc:  # a health check reports every failure, whatever it is
            # The log gets the details; the (unauthenticated) answer only names the failure.
            logger.warning("health check %s failed", name, exc_info=True)
            results[name] = {"ok": False, "error": type(exc).__name__}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503)


@never_cache
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
