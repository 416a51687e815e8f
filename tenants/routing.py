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
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tenants.db import connection

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


def _select_public() -> None:
    if connection.schema_name != "public":
        connection.set_schema_to_public()


class InstitutionRoutingMiddleware:
    """Select the schema and URLconf for the request's host."""

    # Paths an unavailable institution still serves (static assets, liveness).
    ALWAYS_SERVED = ("/static/", "/healthz", "/metrics")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.console_host = settings.BASE_DOMAIN
        self.console_urlconf = settings.PUBLIC_SCHEMA_URLCONF
        self._valid_hosts: dict[str, str] = {}
        # With X-Forwarded-Host in play the Host header alone does not decide the host.
        self.cache_hosts = not settings.USE_X_FORWARDED_HOST

    def _host(self, request: HttpRequest) -> str:
        """The request's host name, normalized. get_host() validates against ALLOWED_HOSTS on
        every call; a Host header that passed once is remembered (ALLOWED_HOSTS is static)."""
        raw = request.META.get("HTTP_HOST", "")
        host = self._valid_hosts.get(raw) if self.cache_hosts else None
        if host is None:
            host = request.get_host().rsplit(":", 1)[0].lower().rstrip(".").removeprefix("www.")
            if self.cache_hosts and raw and len(self._valid_hosts) < 10_000:
                self._valid_hosts[raw] = host
        return host

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = self._host(request)
        if host == self.console_host:
            _select_public()
            request.institution = None  # type: ignore[attr-defined]
            request.tenant = None  # type: ignore[attr-defined]
            request.urlconf = self.console_urlconf  # type: ignore[attr-defined]
            return self.get_response(request)

        institution = route_cache.get(host)
        request.institution = institution  # type: ignore[attr-defined]
        request.tenant = institution  # type: ignore[attr-defined]
        if institution is None:
            _select_public()
            if request.path.startswith(self.ALWAYS_SERVED):
                return self.get_response(request)
            return unknown_host_response(request, host)
        if not institution.is_active and not request.path.startswith(self.ALWAYS_SERVED):
            _select_public()
            return unavailable_response(request, institution)
        # The institution's schema stays selected after the response is returned, so that a
        # streaming response (an export) still reads this institution's data; the next request
        # on this connection selects its own schema first, whatever its host.
        if connection.schema_name != institution.schema_name:
            # Re-selecting the same schema would only make the next query re-issue SET search_path.
            connection.set_tenant(institution)
        return self.get_response(request)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def unknown_host_response(request: HttpRequest, host: str) -> HttpResponse:
    request.institution = None  # type: ignore[attr-defined]
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("没有找到该学校：%(host)s") % {"host": host}, "code": "unknown_institution"}, status=404
        )
    # The port the visitor typed (none behind a proxy on 443), not the one the app listens on.
    port = request.META.get("HTTP_HOST", "").partition(":")[2]
    console = f"//{settings.BASE_DOMAIN}" + (f":{port}" if port else "")
    return render(request, "tenants/unknown_host.html", {"host": host, "console_url": console}, status=404)


def unavailable_response(request: HttpRequest, institution: Institution) -> HttpResponse:
    if institution.status == Institution.Status.SUSPENDED:
        message = _("本校平台已暂停使用。")
    elif institution.status == Institution.Status.ARCHIVING:
        message = _("本校平台正在归档，暂不可用。")
    else:
        message = _("本校平台已归档，暂不可用。")
    reason = institution.status_reason
    if _wants_json(request):
        return JsonResponse(
            {"detail": message, "reason": reason, "code": f"institution_{institution.status}"}, status=403
        )
    return render(
        request,
        "tenants/unavailable.html",
        {"message": message, "reason": reason, "institution": institution},
        status=403,
    )
