"""Host-based routing: `<code>.<base-domain>` is an institution, the bare base domain is the
platform console, anything else is a clear 404 page.

The stock django-tenants middleware queries the domain table on every request, which cuts a
trivial endpoint's throughput about five-fold. Here each process keeps the host ->
institution answer for TENANT_ROUTE_CACHE_SECONDS (unknown hosts too, in a bounded map), so a
suspension made by any process is seen by all of them within that many seconds; the process
that makes the change forgets its own entry at once (``forget``).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils.translation import gettext as _

from .models import Domain, Institution

_MISSING = object()


class RouteCache:
    """host -> Institution | None, each answer trusted for ``ttl`` seconds."""

    def __init__(self, ttl: float, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, Institution | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, host: str) -> Institution | None:
        now = self.clock()
        entry = self._entries.get(host)
        if entry is not None and entry[0] > now:
            return entry[1]
        institution = self._load(host)
        with self._lock:
            self._entries[host] = (now + self.ttl, institution)
            self._entries.move_to_end(host)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return institution

    def forget(self, host: str | None = None) -> None:
        with self._lock:
            if host is None:
                self._entries.clear()
            else:
                self._entries.pop(host, None)

    @staticmethod
    def _load(host: str) -> Institution | None:
        connection.set_schema_to_public()
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        return domain.tenant if domain is not None else None


route_cache = RouteCache(settings.TENANT_ROUTE_CACHE_SECONDS)


def forget_institution(institution: Institution) -> None:
    """Drop this process's cached routes of an institution (after a status or domain change)."""
    for domain in institution.domains.all():
        route_cache.forget(domain.domain)


class InstitutionRoutingMiddleware:
    """Select the schema and URLconf for the request's host."""

    # Paths an unavailable institution still serves (static assets, liveness).
    ALWAYS_SERVED = ("/static/", "/healthz", "/metrics")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.console_host = settings.BASE_DOMAIN

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = request.get_host().rsplit(":", 1)[0].lower().rstrip(".")
        if host.startswith("www."):
            host = host[4:]
        connection.set_schema_to_public()
        if host == self.console_host:
            request.institution = None  # type: ignore[attr-defined]
            request.tenant = None  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF  # type: ignore[attr-defined]
            set_urlconf(request.urlconf)  # type: ignore[attr-defined]
            return self.get_response(request)

        institution = route_cache.get(host)
        if institution is None:
            if request.path.startswith(self.ALWAYS_SERVED):
                return self.get_response(request)
            return unknown_host_response(request, host)

        request.institution = institution  # type: ignore[attr-defined]
        request.tenant = institution  # type: ignore[attr-defined]
        if not institution.is_active and not request.path.startswith(self.ALWAYS_SERVED):
            return unavailable_response(request, institution)
        connection.set_tenant(institution)
        request.urlconf = settings.ROOT_URLCONF  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            connection.set_schema_to_public()


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def unknown_host_response(request: HttpRequest, host: str) -> HttpResponse:
    request.institution = None  # type: ignore[attr-defined]
    if _wants_json(request):
        return JsonResponse({"detail": _("没有找到该学校：%(host)s") % {"host": host}, "code": "unknown_institution"}, status=404)
    console = f"//{settings.BASE_DOMAIN}"
    port = request.get_port()
    if port not in ("80", "443"):
        console += f":{port}"
    return render(request, "tenants/unknown_host.html", {"host": host, "console_url": console}, status=404)


def unavailable_response(request: HttpRequest, institution: Institution) -> HttpResponse:
    if institution.status == Institution.Status.SUSPENDED:
        message = _("本校平台已暂停使用。")
    else:
        message = _("本校平台已归档，暂不可用。")
    reason = institution.status_reason
    if _wants_json(request):
        return JsonResponse(
            {"detail": message, "reason": reason, "code": f"institution_{institution.status}"}, status=403
        )
    return render(
        request, "tenants/unavailable.html", {"message": message, "reason": reason, "institution": institution}, status=403
    )
