"""What every payment provider adapter shares (docs/dues.md "Paying online"): the order it is
asked to create, what the member's phone needs to pay it, the verified callback, an order's status
at the provider, a daily statement's lines, how it fails, and one HTTP call (the standard
library's: no provider SDK is imported anywhere).

Money crosses this boundary as ``Decimal`` yuan with two places; each adapter converts to what its
provider speaks (WeChat Pay: integer fen; Alipay and the sandbox: yuan as a string).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Protocol

FEN = Decimal("0.01")
# A provider's clock and ours may differ a little; a callback older than this is refused (replay).
MAX_CALLBACK_AGE_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 10


class PaymentError(Exception):
    """The provider did not do what was asked, or answered what cannot be read. ``code`` is short
    and stable (tests and the audit read it); the message is for the log."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class SignatureError(PaymentError):
    """A callback (or an answer) whose signature, timestamp or encryption does not check out."""


@dataclass(frozen=True)
class OrderRequest:
    out_trade_no: str
    amount: Decimal
    description: str
    notify_url: str  # the app's callback for this provider
    return_url: str = ""  # where the phone comes back to after paying (Alipay, the sandbox)
    client_ip: str = "127.0.0.1"  # WeChat H5 requires the payer's address


@dataclass(frozen=True)
class Checkout:
    """What the member's phone needs: a page to open (``pay_url``) or a code to show (``code_url``)."""

    pay_url: str = ""
    code_url: str = ""


@dataclass(frozen=True)
class Notice:
    """A verified payment callback: which order, the provider's transaction, how much, when."""

    out_trade_no: str
    txn: str
    amount: Decimal
    paid_at: datetime
    raw: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderStatus:
    """An order as the provider sees it: ``state`` is "paid", "pending", "closed" or "unknown"."""

    out_trade_no: str
    state: str
    txn: str = ""
    amount: Decimal | None = None
    paid_at: datetime | None = None


@dataclass(frozen=True)
class StatementLine:
    """One payment of a provider's daily statement (refunds and other lines are left out)."""

    txn: str
    out_trade_no: str
    amount: Decimal
    paid_at: str = ""


@dataclass(frozen=True)
class Ack:
    """How the app answers a provider's callback, in the provider's expected form."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"


class Provider(Protocol):
    name: str

    def create_order(self, request: OrderRequest) -> Checkout: ...

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> Notice: ...

    def query(self, out_trade_no: str) -> OrderStatus: ...

    def parse_statement(self, data: bytes) -> list[StatementLine]: ...

    def ack(self, *, ok: bool, message: str = "") -> Ack: ...


def yuan(value: object) -> Decimal:
    """``value`` (a string or a number of yuan) as Decimal with two places; a clear error for anything
    that is not a non-negative amount to the fen."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise PaymentError(f"not an amount: {value!r}", code="amount") from exc
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(FEN):
        raise PaymentError(f"not an amount to the fen: {value!r}", code="amount")
    return amount.quantize(FEN)


def from_fen(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PaymentError(f"not an amount in fen: {value!r}", code="amount")
    return (Decimal(value) * FEN).quantize(FEN)


def to_fen(amount: Decimal) -> int:
    return int((amount / FEN).to_integral_value())


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, whatever its case (WSGI, http.server and tests spell them differently)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""


def http_call(
    url: str, *, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Call ``url``; return the status, the headers and the raw answer (a provider's signature
    covers the raw bytes). A network failure or a timeout is a PaymentError ("network")."""
    if not url.startswith(("https://", "http://")):  # the endpoints are settings: never file: or others
        raise PaymentError(f"endpoint {url!r} is not http(s)", code="endpoint")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()
    except (OSError, ValueError) as exc:
        raise PaymentError(f"{type(exc).__name__}: {exc}", code="network") from exc
