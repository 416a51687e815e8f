"""The sandbox provider's adapter: the app's side of services/dues/sandbox_server.py (its scheme
is documented there: HMAC-SHA256 under a shared key, amounts as yuan strings)."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from urllib.parse import quote

from services.dues.sandbox_server import check, notice_message, request_message, signed_headers

from .base import (
    Ack,
    Checkout,
    Notice,
    OrderRequest,
    OrderStatus,
    PaymentError,
    SignatureError,
    StatementLine,
    header,
    http_call,
    yuan,
)

STATES = {"SUCCESS": "paid", "NOTPAY": "pending", "CLOSED": "closed"}


class _Headers:
    """Case-insensitive ``get`` over any mapping of headers (what ``check`` reads)."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self.headers = headers

    def get(self, name: str) -> str:
        return header(self.headers, name)


class SandboxPay:
    name = "sandbox"

    def __init__(self, *, url: str, key: str, clock: Callable[[], float] = time.time) -> None:
        self.url = url.rstrip("/")
        self.key = key
        self.clock = clock

    def _call(self, method: str, path: str, payload: dict[str, object] | None = None) -> tuple[int, bytes]:
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        headers = signed_headers(
            self.key, lambda ts, nonce: request_message(method, path, ts, nonce, body), now=self.clock()
        )
        status, answer_headers, raw = http_call(
            self.url + path, method=method, body=body or None, headers={**headers, "Content-Type": "application/json"}
        )
        self._verify(answer_headers, raw)
        return status, raw

    def _verify(self, headers: Mapping[str, str], body: bytes) -> None:
        if not check(self.key, _Headers(headers), lambda ts, nonce: notice_message(ts, nonce, body), now=self.clock()):
            raise SignatureError("sandbox signature does not verify (or is stale)", code="signature")

    def create_order(self, request: OrderRequest) -> Checkout:
        status, raw = self._call(
            "POST",
            "/v1/orders",
            {
                "out_trade_no": request.out_trade_no,
                "amount": f"{request.amount:.2f}",
                "description": request.description,
                "notify_url": request.notify_url,
                "return_url": request.return_url,
            },
        )
        if status != 200:
            raise PaymentError(f"sandbox HTTP {status}: {raw[:200]!r}", code=f"http_{status}")
        return Checkout(pay_url=str(json.loads(raw)["pay_url"]))

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> Notice:
        self._verify(headers, body)
        try:
            data = json.loads(body)
            paid_at = datetime.fromisoformat(str(data["paid_at"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SignatureError("not a notification", code="body") from exc
        if data.get("status") != "SUCCESS":
            raise PaymentError(f"status {data.get('status')}", code="not_paid")
        return Notice(
            out_trade_no=str(data.get("out_trade_no", "")),
            txn=str(data.get("txn", "")),
            amount=yuan(data.get("amount", "")),
            paid_at=paid_at,
            raw=data,
        )

    def query(self, out_trade_no: str) -> OrderStatus:
        status, raw = self._call("GET", f"/v1/orders/{quote(out_trade_no, safe='')}")
        if status == 404:
            return OrderStatus(out_trade_no=out_trade_no, state="unknown")
        data = json.loads(raw)
        state = STATES.get(str(data.get("status")), "unknown")
        return OrderStatus(
            out_trade_no=out_trade_no,
            state=state,
            txn=str(data.get("txn", "")),
            amount=yuan(data["amount"]) if state == "paid" else None,
            paid_at=datetime.fromisoformat(data["paid_at"]) if data.get("paid_at") else None,
        )

    def statement(self, day: str) -> bytes:
        """The day's statement as the sandbox serves it (``make run``'s reconciliation page fetches it)."""
        status, raw = self._call("GET", f"/v1/statements/{day}.csv")
        if status != 200:
            raise PaymentError(f"sandbox HTTP {status}", code=f"http_{status}")
        return raw

    def parse_statement(self, data: bytes) -> list[StatementLine]:
        return parse_sandbox_statement(data.decode("utf-8-sig"))

    def ack(self, *, ok: bool, message: str = "") -> Ack:
        body = {"code": "SUCCESS"} if ok else {"code": "FAIL", "message": message}
        return Ack(status=200 if ok else 400, body=json.dumps(body).encode(), content_type="application/json")


def parse_sandbox_statement(text: str) -> list[StatementLine]:
    """The sandbox's statement: ``txn,out_trade_no,amount,paid_at``."""
    return [
        StatementLine(
            txn=row["txn"], out_trade_no=row["out_trade_no"], amount=yuan(row["amount"]), paid_at=row["paid_at"]
        )
        for row in csv.DictReader(io.StringIO(text))
        if row.get("txn")
    ]
