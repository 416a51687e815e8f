"""WeChat Pay API v3 (微信支付 APIv3), H5 or Native orders.

- Every request carries ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
  timestamp="…",serial_no="…",signature="…"``, the signature being RSA-SHA256 (PKCS#1 v1.5) with
  the merchant's private key over ``METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n`` (URL: path and query).
- Callbacks (and answers) are signed by WeChat Pay's platform key over
  ``TIMESTAMP\\nNONCE\\nBODY\\n`` (headers Wechatpay-Timestamp, -Nonce, -Signature, -Serial); the
  payment itself is in ``resource``, encrypted with AEAD_AES_256_GCM under the APIv3 key
  (``associated_data``, ``nonce``). A callback older than five minutes is refused (a replay).
- Amounts are integer fen. The daily trade bill is a CSV whose fields start with a backtick.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .base import (
    MAX_CALLBACK_AGE_SECONDS,
    Ack,
    Checkout,
    Notice,
    OrderRequest,
    OrderStatus,
    PaymentError,
    SignatureError,
    StatementLine,
    from_fen,
    header,
    http_call,
    to_fen,
    yuan,
)

AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
STATES = {"SUCCESS": "paid", "NOTPAY": "pending", "USERPAYING": "pending", "CLOSED": "closed", "REVOKED": "closed"}


@dataclass(frozen=True)
class WechatConfig:
    mchid: str
    appid: str
    serial_no: str  # the merchant API certificate's serial number
    private_key_pem: str
    platform_serial: str  # the platform certificate (or public key id) callbacks are signed with
    platform_public_key_pem: str
    apiv3_key: str  # 32 bytes
    endpoint: str = "https://api.mch.weixin.qq.com"
    trade_type: str = "h5"  # or "native"


@functools.lru_cache(maxsize=8)
def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PaymentError("the merchant key is not an RSA key", code="config")
    return key


@functools.lru_cache(maxsize=8)
def load_public_key(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise PaymentError("the platform key is not an RSA key", code="config")
    return key


def rsa_sign(private_key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(public_key: rsa.RSAPublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def request_message(method: str, url: str, timestamp: str, nonce: str, body: str) -> str:
    return f"{method}\n{url}\n{timestamp}\n{nonce}\n{body}\n"


def authorization(config: WechatConfig, *, method: str, url: str, body: str, timestamp: str, nonce: str) -> str:
    signature = rsa_sign(load_private_key(config.private_key_pem), request_message(method, url, timestamp, nonce, body))
    return (
        f'{AUTH_SCHEMA} mchid="{config.mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{config.serial_no}"'
    )


def decrypt_resource(apiv3_key: str, resource: Mapping[str, object]) -> dict[str, object]:
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise SignatureError("resource is not AEAD_AES_256_GCM", code="algorithm")
    try:
        plain = AESGCM(apiv3_key.encode()).decrypt(
            str(resource["nonce"]).encode(),
            base64.b64decode(str(resource["ciphertext"])),
            str(resource.get("associated_data") or "").encode(),
        )
        data = json.loads(plain)
    except (InvalidTag, KeyError, ValueError) as exc:
        raise SignatureError("resource does not decrypt", code="decrypt") from exc
    if not isinstance(data, dict):
        raise SignatureError("resource is not an object", code="decrypt")
    return data


def _fen(data: Mapping[str, object]) -> int:
    amount = data.get("amount")
    total = amount.get("total") if isinstance(amount, dict) else None
    if not isinstance(total, int):
        raise PaymentError("no amount.total", code="amount")
    return total


class WechatPay:
    name = "wechat"

    def __init__(
        self,
        config: WechatConfig,
        *,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = lambda: secrets.token_hex(16),
    ) -> None:
        self.config = config
        self.clock = clock
        self.nonce = nonce

    def _call(self, method: str, path: str, payload: dict[str, object] | None = None) -> dict[str, object]:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) if payload is not None else ""
        auth = authorization(
            self.config, method=method, url=path, body=body, timestamp=str(int(self.clock())), nonce=self.nonce()
        )
        headers = {"Authorization": auth, "Accept": "application/json", "Content-Type": "application/json"}
        status, answer_headers, raw = http_call(
            self.config.endpoint.rstrip("/") + path, method=method, body=body.encode() or None, headers=headers
        )
        if status >= 300:
            raise PaymentError(f"wechat HTTP {status}: {raw[:200]!r}", code=f"http_{status}")
        self.verify(answer_headers, raw)
        try:
            answer = json.loads(raw or b"{}")
        except ValueError as exc:
            raise PaymentError("wechat answer is not JSON", code="answer") from exc
        return answer if isinstance(answer, dict) else {}

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """A callback's or an answer's platform signature and freshness, or SignatureError."""
        timestamp, nonce = header(headers, "Wechatpay-Timestamp"), header(headers, "Wechatpay-Nonce")
        signature, serial = header(headers, "Wechatpay-Signature"), header(headers, "Wechatpay-Serial")
        if not (timestamp and nonce and signature):
            raise SignatureError("signature headers missing", code="unsigned")
        if serial != self.config.platform_serial:
            raise SignatureError(f"unknown platform serial {serial!r}", code="serial")
        if not timestamp.isdigit() or abs(self.clock() - int(timestamp)) > MAX_CALLBACK_AGE_SECONDS:
            raise SignatureError("stale or bad timestamp", code="stale")
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
        if not rsa_verify(load_public_key(self.config.platform_public_key_pem), message, signature):
            raise SignatureError("signature does not verify", code="signature")

    def create_order(self, request: OrderRequest) -> Checkout:
        payload: dict[str, object] = {
            "appid": self.config.appid,
            "mchid": self.config.mchid,
            "description": request.description[:127],
            "out_trade_no": request.out_trade_no,
            "notify_url": request.notify_url,
            "amount": {"total": to_fen(request.amount), "currency": "CNY"},
        }
        if self.config.trade_type == "h5":
            payload["scene_info"] = {"payer_client_ip": request.client_ip, "h5_info": {"type": "Wap"}}
            answer = self._call("POST", "/v3/pay/transactions/h5", payload)
            return Checkout(pay_url=str(answer.get("h5_url", "")))
        answer = self._call("POST", "/v3/pay/transactions/native", payload)
        return Checkout(code_url=str(answer.get("code_url", "")))

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> Notice:
        self.verify(headers, body)
        try:
            envelope = json.loads(body)
            resource = envelope["resource"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SignatureError("not a notification", code="body") from exc
        data = decrypt_resource(self.config.apiv3_key, resource)
        if data.get("mchid") != self.config.mchid:
            raise SignatureError("notification for another merchant", code="merchant")
        if data.get("trade_state") != "SUCCESS":
            raise PaymentError(f"trade_state {data.get('trade_state')}", code="not_paid")
        return Notice(
            out_trade_no=str(data.get("out_trade_no", "")),
            txn=str(data.get("transaction_id", "")),
            amount=from_fen(_fen(data)),
            paid_at=datetime.fromisoformat(str(data.get("success_time"))),
            raw=data,
        )

    def query(self, out_trade_no: str) -> OrderStatus:
        path = f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no, safe='')}?mchid={self.config.mchid}"
        answer = self._call("GET", path)
        state = STATES.get(str(answer.get("trade_state", "")), "unknown")
        paid_at = answer.get("success_time")
        return OrderStatus(
            out_trade_no=out_trade_no,
            state=state,
            txn=str(answer.get("transaction_id", "")),
            amount=from_fen(_fen(answer)) if state == "paid" else None,
            paid_at=datetime.fromisoformat(str(paid_at)) if paid_at else None,
        )

    def parse_statement(self, data: bytes) -> list[StatementLine]:
        return parse_trade_bill(data.decode("utf-8-sig"))

    def ack(self, *, ok: bool, message: str = "") -> Ack:
        if ok:
            return Ack(status=204)
        body = json.dumps({"code": "FAIL", "message": message or "失败"}, ensure_ascii=False).encode()
        return Ack(status=400, body=body, content_type="application/json")


def parse_trade_bill(text: str) -> list[StatementLine]:
    """WeChat Pay's daily trade bill (交易账单, ``bill_type=ALL``): a header row, one row per
    transaction with every field prefixed by a backtick, then the totals (总交易单数…). Only
    successful payments are returned."""
    rows = csv.reader(io.StringIO(text))
    header = next((row for row in rows if row), [])
    columns = [c.strip() for c in header]
    try:
        at, txn, no, state = (columns.index(name) for name in ("交易时间", "微信订单号", "商户订单号", "交易状态"))
        amount = columns.index("订单金额") if "订单金额" in columns else columns.index("应结订单总金额")
    except ValueError as exc:
        raise PaymentError("not a WeChat Pay trade bill", code="format") from exc
    width = max(at, txn, no, state, amount) + 1
    lines = []
    for row in rows:
        if not row:
            continue
        if row[0].startswith("总交易单数"):
            break
        if len(row) < width:
            raise PaymentError("a short row", code="format")
        if row[state].strip().lstrip("`") != "SUCCESS":
            continue
        lines.append(
            StatementLine(
                txn=row[txn].strip().lstrip("`"),
                out_trade_no=row[no].strip().lstrip("`"),
                amount=yuan(row[amount].strip().lstrip("`")),
                paid_at=row[at].strip().lstrip("`"),
            )
        )
    return lines
