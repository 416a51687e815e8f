"""Prometheus metrics: request counts and latency, served at /metrics.

With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess
mode). Set METRICS_TOKEN to require ``Authorization: Bearer <token>`` on /metrics.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

REQUESTS = Counter("partycloud_http_requests_total", "HTTP requests", ["method", "status", "site"])
LATENCY = Histogram("partycloud_http_request_duration_seconds", "HTTP request latency", ["site"])


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        site = "institution" if getattr(request, "institution", None) is not None else "console"
        REQUESTS.labels(request.method, str(response.status_code), site).inc()
        LATENCY.labels(site).observe(time.perf_counter() - started)
        return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = os.environ.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given, token):
            return HttpResponse(status=401)
    registry = DEFAULT_REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
