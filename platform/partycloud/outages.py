"""Database outages: a request that fails because PostgreSQL cannot be reached (down, refusing
connections, out of connection slots, shutting down) answers 503 with a Retry-After header — the
Chinese page for browsers, the API's JSON error for /api/ paths — instead of a 500, wherever it
failed: the routing middleware reading the institution registry, the session, a view.

Django turns every uncaught exception into the 500 handler's answer (``errors.server_error``),
which asks here first. An outage is logged once per process, as one line, when it is first
seen (Django's own traceback per request is suppressed); the next outage is logged again once
the database has answered in between.
"""

from __future__ import annotations

import logging
import threading

import psycopg2
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# SQLSTATEs that mean "the server cannot serve you now", as opposed to an error of this query
# (a deadlock, a statement timeout, a serialization failure: those stay 500s and are logged).
# Errors without a SQLSTATE come from the client library: no connection could be made or kept.
_UNAVAILABLE_SQLSTATES = {
    "53300",  # too_many_connections
    "57P01",  # admin_shutdown
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now (starting up, recovering)
}


def is_database_unavailable(exc: BaseException | None) -> bool:
    if not isinstance(exc, OperationalError | InterfaceError | psycopg2.OperationalError | psycopg2.InterfaceError):
        return False
    driver_error = exc if isinstance(exc, psycopg2.Error) else exc.__cause__
    code = getattr(driver_error, "pgcode", None)
    return code is None or code.startswith("08") or code in _UNAVAILABLE_SQLSTATES


class _OutageLog:
    """Logs the first failure of an outage; a connection made afterwards ends the outage."""

    def __init__(self) -> None:
        self._in_outage = False
        self._lock = threading.Lock()

    def failed(self, request: HttpRequest, exc: BaseException) -> None:
        with self._lock:
            first, self._in_outage = not self._in_outage, True
        if first:
            logger.error(
                "database unavailable, answering 503 until it is reachable again (%s: %s) at %s",
                type(exc).__name__,
                str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                request.path,
            )

    def connected(self, **kwargs: object) -> None:
        with self._lock:
            ended, self._in_outage = self._in_outage, False
        if ended:
            logger.info("database reachable again")


outage_log = _OutageLog()
connection_created.connect(outage_log.connected, dispatch_uid="partycloud.outages")


def database_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 answer for a request that failed because the database cannot be reached."""
    from .errors import is_api_request, problem  # errors.server_error calls this function

    outage_log.failed(request, exc)
    response: HttpResponse
    if is_api_request(request):
        response = problem(status=503, code="service_unavailable", detail=_("系统暂时无法访问数据库，请稍后重试。"))
    else:
        # A page of its own, not base.html: the navigation would ask the database again.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    # Logged above, once per outage: keeps Django from logging a traceback for every request.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
