"""What every channel adapter shares: the message it is handed, what it answers, how it fails,
and one HTTP call (the standard library's: no provider SDK is imported anywhere)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings


@dataclass(frozen=True)
class Outgoing:
    """One message as the provider must receive it: secrets included (never stored as such)."""

    recipient: str  # e-mail address, phone number (11 digits), or WeChat Work user id
    subject: str = ""
    body: str = ""  # the full text (console, e-mail, WeChat Work)
    template: str = ""  # SMS template code (services/notifications/kinds.py)
    params: dict[str, str] = field(default_factory=dict)
    reference: str = ""  # our message id, passed where the provider keeps one (OutId, SessionContext)


@dataclass(frozen=True)
class Receipt:
    provider_message_id: str = ""


class DeliveryError(Exception):
    """The provider did not take the message. ``permanent``: sending it again cannot help (a bad
    number, a refused template, wrong credentials); otherwise it is retried with backoff."""

    def __init__(self, message: str, *, permanent: bool, code: str = "") -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code


class Adapter(Protocol):
    name: str

    def send(self, outgoing: Outgoing) -> Receipt: ...


def http_call(
    url: str, *, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """Call ``url``; return the status and the JSON answer (a provider's error answers are JSON
    too). A network failure, a timeout or a non-JSON answer is a retryable DeliveryError."""
    if not url.startswith(("https://", "http://")):  # the endpoints are settings: never file: or others
        raise DeliveryError(f"endpoint {url!r} is not http(s)", permanent=True, code="endpoint")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_HTTP_TIMEOUT) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False, code="network") from exc
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except ValueError as exc:
        raise DeliveryError(f"HTTP {status}: not JSON", permanent=False, code=f"http_{status}") from exc
    if not isinstance(answer, dict):
        raise DeliveryError(f"HTTP {status}: unexpected answer", permanent=False, code=f"http_{status}")
    return status, answer
