"""The sandbox payment provider (模拟支付): a small local HTTP service that plays a payment
provider for development, demos and tests, so the whole flow runs from ``make run``
(docs/dues.md "Paying online"). Standard library only; it never imports Django.

Its scheme (documented here, implemented by ``services/dues/payments/sandbox.py``):

- Every request from the app and every callback to it carries ``X-Sandbox-Timestamp`` (Unix
  seconds), ``X-Sandbox-Nonce`` and ``X-Sandbox-Signature``: hex HMAC-SHA256 under the shared key
  of ``METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nBODY\\n`` for a request (PATH with its query), of
  ``TIMESTAMP\\nNONCE\\nBODY\\n`` for a callback or an answer. More than five minutes off: refused.
- ``POST /v1/orders`` {out_trade_no, amount ("12.30" yuan), description, notify_url, return_url}
  → {pay_url}; ``GET /v1/orders/<no>`` → {status SUCCESS|NOTPAY|CLOSED, txn, amount, paid_at};
  ``GET /v1/statements/<yyyy-mm-dd>`` → CSV ``txn,out_trade_no,amount,paid_at``.
- ``GET /pay/<no>``: the phone's page (确认支付 / 取消). Paying sends the callback
  {out_trade_no, txn, amount, paid_at, status: SUCCESS} to ``notify_url`` (again later, up to
  three times, until it is answered 2xx), then sends the phone to ``return_url``.
- For tests and the benchmark: ``POST /v1/orders/<no>/pay`` pays without the page, and
  ``POST /v1/orders/<no>/notify`` {times, amount?} delivers the callback again (a replay, or a
  tampered amount).

    DUES_SANDBOX_KEY=… python -m services.dues.sandbox_server --port 8020
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import http.client
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CHINA = timezone(timedelta(hours=8))
MAX_AGE = 300
RETRY_SECONDS = (2, 10, 30)


def sign(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def request_message(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{method}\n{path}\n{timestamp}\n{nonce}\n".encode() + body + b"\n"


def notice_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


def signed_headers(key: str, message_for: Any, *, now: float | None = None) -> dict[str, str]:
    """Headers for a message made by ``message_for(timestamp, nonce)``."""
    timestamp, nonce = str(int(now if now is not None else time.time())), secrets.token_hex(12)
    return {
        "X-Sandbox-Timestamp": timestamp,
        "X-Sandbox-Nonce": nonce,
        "X-Sandbox-Signature": sign(key, message_for(timestamp, nonce)),
    }


def check(key: str, headers: Any, message_for: Any, *, now: float | None = None) -> bool:
    timestamp = headers.get("X-Sandbox-Timestamp") or ""
    nonce = headers.get("X-Sandbox-Nonce") or ""
    signature = headers.get("X-Sandbox-Signature") or ""
    if not timestamp.isdigit() or abs((now if now is not None else time.time()) - int(timestamp)) > MAX_AGE:
        return False
    return hmac.compare_digest(sign(key, message_for(timestamp, nonce)), signature)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10) -> int:
    """POST ``body`` to ``url``; a ``*.localhost`` host is reached on 127.0.0.1 with its Host header
    kept (an institution's site in `make run`). Returns the status (0: not reached)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    address = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(address, parts.port, timeout=timeout)
    try:
        connection.request(
            "POST", parts.path + (f"?{parts.query}" if parts.query else ""), body, {**headers, "Host": parts.netloc}
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


@dataclass
class Order:
    out_trade_no: str
    amount: str
    description: str
    notify_url: str
    return_url: str
    status: str = "NOTPAY"
    txn: str = ""
    paid_at: str = ""


@dataclass
class Sandbox:
    key: str
    public_url: str
    orders: dict[str, Order] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    deliveries: list[tuple[str, int]] = field(default_factory=list)  # (out_trade_no, status answered)

    def pay(self, order: Order) -> None:
        with self.lock:
            if order.status != "SUCCESS":
                order.status = "SUCCESS"
                order.txn = f"SBX{datetime.now(CHINA):%Y%m%d}{secrets.token_hex(8).upper()}"
                order.paid_at = datetime.now(CHINA).isoformat(timespec="seconds")

    def notice(self, order: Order, amount: str | None = None) -> bytes:
        body = {
            "out_trade_no": order.out_trade_no,
            "txn": order.txn,
            "amount": amount or order.amount,
            "paid_at": order.paid_at,
            "status": "SUCCESS",
        }
        return json.dumps(body, separators=(",", ":")).encode()

    def notify(self, order: Order, amount: str | None = None) -> int:
        body = self.notice(order, amount)
        headers = signed_headers(self.key, lambda ts, nonce: notice_message(ts, nonce, body))
        status = post(order.notify_url, body, {**headers, "Content-Type": "application/json"})
        with self.lock:
            self.deliveries.append((order.out_trade_no, status))
        return status

    def notify_until_answered(self, order: Order) -> int:
        status = self.notify(order)
        if not 200 <= status < 300:
            threading.Thread(target=self._retry, args=(order,), daemon=True).start()
        return status

    def _retry(self, order: Order) -> None:
        for delay in RETRY_SECONDS:
            time.sleep(delay)
            if 200 <= self.notify(order) < 300:
                return

    def statement(self, day: str) -> str:
        lines = ["txn,out_trade_no,amount,paid_at"]
        with self.lock:
            paid = [o for o in self.orders.values() if o.status == "SUCCESS" and o.paid_at.startswith(day)]
        lines += [f"{o.txn},{o.out_trade_no},{o.amount},{o.paid_at}" for o in paid]
        return "\n".join(lines) + "\n"


PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>模拟支付</title>
<style>body{{font-family:sans-serif;max-width:420px;margin:0 auto;padding:16px;background:#f5f5f5}}
.card{{background:#fff;border-radius:8px;padding:16px}}.amount{{font-size:2em;margin:12px 0}}
button{{width:100%;padding:12px;font-size:1.1em;margin-top:8px;border:0;border-radius:6px}}
.pay{{background:#07c160;color:#fff}}.note{{color:#888;font-size:.85em}}</style></head>
<body><div class="card"><h1>模拟支付</h1><p>{description}</p><p class="amount">¥ {amount}</p>
<p>订单号 {no}</p><p>{state}</p>
<form method="post"><button class="pay" name="action" value="pay">确认支付</button>
<button name="action" value="cancel">取消</button></form>
<p class="note">这是开发和演示用的模拟支付渠道，不会发生真实扣款。</p></div></body></html>"""


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        key = self.server.sandbox.key
        headers = signed_headers(key, lambda ts, nonce: notice_message(ts, nonce, body))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._answer(status, json.dumps(data, ensure_ascii=False).encode())

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _signed(self, body: bytes) -> bool:
        method, path = self.command, self.path
        key = self.server.sandbox.key
        if check(key, self.headers, lambda ts, nonce: request_message(method, path, ts, nonce, body)):
            return True
        self._json(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        return False

    def _order(self, no: str) -> Order | None:
        order = self.server.sandbox.orders.get(no)
        if order is None:
            self._json(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        return order

    def do_GET(self) -> None:
        parts = [p for p in urlsplit(self.path).path.split("/") if p]
        if len(parts) == 2 and parts[0] == "pay":
            self._page(parts[1])
        elif len(parts) == 3 and parts[:2] == ["v1", "orders"] and self._signed(b""):
            if order := self._order(parts[2]):
                self._json(200, {**order.__dict__, "notify_url": None, "return_url": None})
        elif len(parts) == 3 and parts[:2] == ["v1", "statements"] and self._signed(b""):
            day = parts[2].removesuffix(".csv")
            self._answer(200, self.server.sandbox.statement(day).encode(), "text/csv; charset=utf-8")
        elif parts == ["healthz"]:
            self._json(200, {"ok": True})
        else:
            self._json(404, {"code": "NOT_FOUND"})

    def do_POST(self) -> None:
        body = self._body()
        parts = [p for p in urlsplit(self.path).path.split("/") if p]
        if len(parts) == 2 and parts[0] == "pay":
            self._pay_form(parts[1], body)
            return
        if not self._signed(body):
            return
        if parts == ["v1", "orders"]:
            self._create(body)
        elif len(parts) == 4 and parts[:2] == ["v1", "orders"] and (order := self._order(parts[2])):
            sandbox = self.server.sandbox
            if parts[3] == "pay":
                sandbox.pay(order)
                self._json(200, {"notified": sandbox.notify(order), "txn": order.txn})
            elif parts[3] == "notify":
                options = json.loads(body or b"{}")
                statuses = [sandbox.notify(order, options.get("amount")) for _ in range(int(options.get("times", 1)))]
                self._json(200, {"statuses": statuses})

    def _create(self, body: bytes) -> None:
        data = json.loads(body)
        sandbox = self.server.sandbox
        with sandbox.lock:
            order = sandbox.orders.setdefault(
                data["out_trade_no"],
                Order(
                    out_trade_no=data["out_trade_no"],
                    amount=data["amount"],
                    description=data.get("description", ""),
                    notify_url=data["notify_url"],
                    return_url=data.get("return_url", ""),
                ),
            )
        if order.amount != data["amount"]:
            self._json(400, {"code": "OUT_TRADE_NO_USED", "message": "商户订单号重复"})
            return
        self._json(200, {"pay_url": f"{sandbox.public_url.rstrip('/')}/pay/{order.out_trade_no}"})

    def _page(self, no: str) -> None:
        order = self.server.sandbox.orders.get(no)
        if order is None:
            self._answer(404, "订单不存在".encode(), "text/plain; charset=utf-8")
            return
        state = {"SUCCESS": "已支付", "CLOSED": "已取消"}.get(order.status, "待支付")
        page = PAGE.format(
            description=html.escape(order.description),
            amount=html.escape(order.amount),
            no=html.escape(no),
            state=state,
        )
        self._answer(200, page.encode(), "text/html; charset=utf-8")

    def _pay_form(self, no: str, body: bytes) -> None:
        order = self.server.sandbox.orders.get(no)
        if order is None:
            self._answer(404, "订单不存在".encode(), "text/plain; charset=utf-8")
            return
        action = parse_qs(body.decode()).get("action", [""])[0]
        if action == "pay":
            self.server.sandbox.pay(order)
            self.server.sandbox.notify_until_answered(order)
        elif action == "cancel" and order.status == "NOTPAY":
            order.status = "CLOSED"
        self.send_response(303)
        self.send_header("Location", order.return_url or f"/pay/{no}")
        self.send_header("Content-Length", "0")
        self.end_headers()


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        super().__init__(address, Handler)
        self.sandbox = sandbox


def serve(*, host: str = "127.0.0.1", port: int = 0, key: str, public_url: str = "") -> SandboxServer:
    """A sandbox on ``port`` (0: a free one), not yet serving: call ``serve_forever`` (tests do it
    in a thread). ``public_url``: the address phones open (default: this server's)."""
    server = SandboxServer((host, port), Sandbox(key=key, public_url=public_url))
    if not public_url:
        server.sandbox.public_url = f"http://{host}:{server.server_address[1]}"
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DUES_SANDBOX_PORT", "8020")))
    options = parser.parse_args()
    key = os.environ.get("DUES_SANDBOX_KEY", "")
    if not key:
        raise SystemExit("DUES_SANDBOX_KEY is not set")
    public = os.environ.get("DUES_SANDBOX_PUBLIC_URL") or f"http://localhost:{options.port}"
    server = serve(host=options.host, port=options.port, key=key, public_url=public)
    print(f"· sandbox payment provider on {public} ({datetime.now(UTC):%H:%M:%S} UTC)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
