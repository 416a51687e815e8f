"""Throughput lost on a trivial endpoint (/healthz/live on an institution's host) through the
tenant routing middleware, against the same stack without it, in one run. Requests go
straight into Django's WSGI handler (no sockets), in interleaved batches.
For comparison: django-tenants' stock middleware, which queries the domain table per request."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings

from bench.common import Figure, cleanup
from console.services import institution_create

FIGURES = ("routing_overhead_pct", "routing_rps", "routing_stock_overhead_pct")
# Many short batches, interleaved, and the fastest batch of each variant: the least
# disturbed by whatever else the machine is doing.
REQUESTS = 300
ROUNDS = 40
OURS = "tenants.routing.InstitutionRoutingMiddleware"
STOCK = "django_tenants.middleware.main.TenantMainMiddleware"


def _environ(host: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz/live",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }


def _rps(middleware: list[str], host: str) -> Callable[[], float]:
    with override_settings(MIDDLEWARE=middleware):
        handler = WSGIHandler()

    def measure() -> float:
        def start_response(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            assert status.startswith("200"), status

        started = time.perf_counter()
        for _ in range(REQUESTS):
            for _chunk in handler(_environ(host), start_response):
                pass
        return REQUESTS / (time.perf_counter() - started)

    return measure


def run() -> list[Figure]:
    with cleanup("broute"):
        institution_create(code="broute", name="路由基准学院", admin_password="Bench-pass-2026!")
        host = "broute." + settings.BASE_DOMAIN
        without = [m for m in settings.MIDDLEWARE if m != OURS]
        variants = {
            "without": _rps(without, host),
            "ours": _rps(settings.MIDDLEWARE, host),
            "stock": _rps([STOCK if m == OURS else m for m in settings.MIDDLEWARE], host),
        }
        for measure in variants.values():  # warm up: imports, connections, caches
            measure()
        best = {name: 0.0 for name in variants}
        for _ in range(ROUNDS):
            for name, measure in variants.items():
                best[name] = max(best[name], measure())
    return [
        ("routing_overhead_pct", (1 - best["ours"] / best["without"]) * 100, "%"),
        ("routing_rps", best["ours"], "req/s"),
        ("routing_stock_overhead_pct", (1 - best["stock"] / best["without"]) * 100, "%"),
    ]
