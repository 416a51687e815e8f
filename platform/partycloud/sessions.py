"""The idle session timeout without a database write on every request.

A session ends ``SESSION_COOKIE_AGE`` seconds (``SESSION_IDLE_SECONDS``) after the last request
that renewed it. Renewing means saving the session (a new expiry in the row and the cookie), so
saving it on every request cost every signed-in request an UPDATE and a commit — on the paths that
take bursts (an exam's answers, a study page's heartbeats, a lecture hall checking in) as much
as the work itself. Here a request renews the session only when the last renewal is at least
``RENEW_EVERY`` seconds old: the timeout holds to within that minute, and a busy session is
written once a minute at most. A session that changed during the request is saved as always.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

RENEW_EVERY = 60  # seconds
RENEWED_AT = "_renewed_at"


def _now() -> int:
    return int(time.time())


class SessionRenewalMiddleware:
    """After ``SessionMiddleware`` in ``MIDDLEWARE``: its response side runs first and marks the
    session for saving when the renewal is due."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = _now()
            if now - int(session.get(RENEWED_AT, 0)) >= RENEW_EVERY:
                session[RENEWED_AT] = now
        return response
