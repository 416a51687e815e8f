"""Alipay open API (支付宝开放平台): ``alipay.trade.wap.pay`` (the phone's pay page) and
``alipay.trade.query``.

- A request's parameters are signed RSA2 (SHA256withRSA, PKCS#1 v1.5) with the app's private key
  over every non-empty parameter but ``sign``, sorted by name, joined as ``k=v&…`` (raw values).
- The asynchronous notification (a form POST) is verified with Alipay's public key over the same
  string built from its parameters, ``sign`` and ``sign_type`` left out; answered ``success``.
- An API answer is signed over the raw JSON text of its ``<method>_response`` member.
- Amounts are yuan as strings ("12.30"). The daily statement is a CSV whose comment lines start
  with ``#``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode

from .base import (
    Ack,
    Checkout,
    Notice,
    OrderRequest,
    OrderStatus,
    PaymentError,
    SignatureError,
    StatementLine,
    http_call,
    yuan,
)
from .wechat import load_private_key, load_public_key, rsa_sign, rsa_verify

CHINA = timezone(timedelta(hours=8))
PAID = {"TRADE_SUCCESS", "TRADE_FINISHED"}
STATES = {"TRADE_SUCCESS": "paid", "TRADE_FINISHED": "paid", "WAIT_BUYER_PAY": "pending", "TRADE_CLOSED": "closed"}


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    private_key_pem: str
    alipay_public_key_pem: str
    gateway: str = "https://openapi.alipay.com/gateway.do"


def sign_content(params: Mapping[str, str], *, drop: tuple[str, ...] = ("sign",)) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in drop and v not in ("", None))


def _time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)


def response_node(raw: str, key: str) -> tuple[str, dict[str, object]]:
    """The raw JSON text of ``key``'s value in an API answer (what Alipay signed) and its value."""
    marker = f'"{key}"'
    start = raw.find(marker)
    if start < 0:
        raise PaymentError(f"no {key} in the answer", code="answer")
    start = raw.index(":", start + len(marker)) + 1
    while raw[start] in " \t\r\n":
        start += 1
    value, end = json.JSONDecoder().raw_decode(raw, start)
    if not isinstance(value, dict):
        raise PaymentError(f"{key} is not an object", code="answer")
    return raw[start:end], value


class Alipay:
    name = "alipay"

    def __init__(self, config: AlipayConfig, *, clock: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self.clock = clock or (lambda: datetime.now(CHINA))

    def signed_params(self, method: str, biz: dict[str, object], **extra: str) -> dict[str, str]:
        params = {
            "app_id": self.config.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": self.clock().astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            "version": "1.0",
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
            **{k: v for k, v in extra.items() if v},
        }
        params["sign"] = rsa_sign(load_private_key(self.config.private_key_pem), sign_content(params))
        return params

    def create_order(self, request: OrderRequest) -> Checkout:
        biz: dict[str, object] = {
            "out_trade_no": request.out_trade_no,
            "total_amount": f"{request.amount:.2f}",
            "subject": request.description[:256],
            "product_code": "QUICK_WAP_WAY",
        }
        params = self.signed_params(
            "alipay.trade.wap.pay", biz, notify_url=request.notify_url, return_url=request.return_url
        )
        return Checkout(pay_url=f"{self.config.gateway}?{urlencode(params)}")

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> Notice:
        params = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        signature = params.get("sign", "")
        message = sign_content(params, drop=("sign", "sign_type")).encode()
        if not signature or not rsa_verify(load_public_key(self.config.alipay_public_key_pem), message, signature):
            raise SignatureError("notification signature does not verify", code="signature")
        if params.get("app_id") != self.config.app_id:
            raise SignatureError("notification for another app", code="merchant")
        if params.get("trade_status") not in PAID:
            raise PaymentError(f"trade_status {params.get('trade_status')}", code="not_paid")
        try:
            paid_at = _time(params.get("gmt_payment") or params.get("notify_time", ""))
        except ValueError as exc:
            raise PaymentError("no payment time", code="body") from exc
        return Notice(
            out_trade_no=params.get("out_trade_no", ""),
            txn=params.get("trade_no", ""),
            amount=yuan(params.get("total_amount", "")),
            paid_at=paid_at,
            raw=dict(params),
        )

    def query(self, out_trade_no: str) -> OrderStatus:
        params = self.signed_params("alipay.trade.query", {"out_trade_no": out_trade_no})
        status, _, raw = http_call(
            self.config.gateway,
            method="POST",
            body=urlencode(params).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
        )
        text = raw.decode("utf-8")
        if status >= 300:
            raise PaymentError(f"alipay HTTP {status}", code=f"http_{status}")
        node_text, node = response_node(text, "alipay_trade_query_response")
        signature = str(json.loads(text).get("sign", ""))
        if not rsa_verify(load_public_key(self.config.alipay_public_key_pem), node_text.encode(), signature):
            raise SignatureError("answer signature does not verify", code="signature")
        if node.get("code") != "10000":
            return OrderStatus(out_trade_no=out_trade_no, state="unknown")
        state = STATES.get(str(node.get("trade_status", "")), "unknown")
        paid_at = str(node.get("send_pay_date") or "")
        return OrderStatus(
            out_trade_no=out_trade_no,
            state=state,
            txn=str(node.get("trade_no", "")),
            amount=yuan(node.get("total_amount", "0")) if state == "paid" else None,
            paid_at=_time(paid_at) if paid_at else None,
        )

    def parse_statement(self, data: bytes) -> list[StatementLine]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")  # Alipay's downloads are GBK
        return parse_business_detail(text)

    def ack(self, *, ok: bool, message: str = "") -> Ack:
        return Ack(status=200, body=b"success" if ok else b"failure")


def parse_business_detail(text: str) -> list[StatementLine]:
    """Alipay's 业务明细 CSV: ``#`` comment lines around a header row (支付宝交易号, 商户订单号,
    业务类型, 完成时间, 订单金额（元）…) and one row per business line; payments are 业务类型 交易."""
    columns: list[str] = []
    lines = []
    for row in csv.reader(io.StringIO(text)):
        if not row or row[0].startswith("#"):
            continue
        cells = [c.strip().strip("\t") for c in row]
        if not columns:
            columns = cells
            continue
        values = dict(zip(columns, cells, strict=False))
        if values.get("业务类型") != "交易":
            continue
        lines.append(
            StatementLine(
                txn=values.get("支付宝交易号", ""),
                out_trade_no=values.get("商户订单号", ""),
                amount=yuan(values.get("订单金额（元）") or values.get("订单金额(元)") or ""),
                paid_at=values.get("完成时间", ""),
            )
        )
    return lines
