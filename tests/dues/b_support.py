"""What the paying-online tests share: test keys (generated here, never committed), the providers
configured with them, bills to pay, and signed callbacks built independently of the adapters."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.cache import cache

from services.dues.models import Entry, Month
from services.members.models import Member
from tenants.models import Institution

APIV3_KEY = "0123456789abcdef0123456789abcdef"
MCHID, APPID, ALIPAY_APP = "1900000001", "wx8888888888888888", "2021000000000001"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def rsa_sha256(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


@dataclass
class Keys:
    merchant: rsa.RSAPrivateKey  # ours (WeChat merchant key, Alipay app key)
    platform: rsa.RSAPrivateKey  # theirs (WeChat platform, Alipay)
    sandbox: str


_KEYS: Keys | None = None


def keys() -> Keys:
    global _KEYS
    if _KEYS is None:
        _KEYS = Keys(merchant=new_key(), platform=new_key(), sandbox=secrets.token_urlsafe(24))
    return _KEYS


@pytest.fixture(name="providers")
def providers_fixture(settings: object, tmp_path: Path) -> Keys:
    """Every provider enabled, configured with the test keys (the sandbox at an unreachable address
    unless a test starts one)."""
    k = keys()
    files = {
        "merchant.pem": private_pem(k.merchant),
        "platform.pem": public_pem(k.platform),
        "apiv3": APIV3_KEY,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    values = {
        "DUES_PAY_PROVIDERS": ["sandbox", "wechat", "alipay"],
        "DUES_SANDBOX_KEY": k.sandbox,
        "DUES_SANDBOX_URL": "http://127.0.0.1:9",
        "DUES_WECHAT_MCHID": MCHID,
        "DUES_WECHAT_APPID": APPID,
        "DUES_WECHAT_SERIAL_NO": "MERCHANTSERIAL",
        "DUES_WECHAT_PRIVATE_KEY_FILE": str(tmp_path / "merchant.pem"),
        "DUES_WECHAT_PLATFORM_SERIAL": "PLATFORMSERIAL",
        "DUES_WECHAT_PLATFORM_KEY_FILE": str(tmp_path / "platform.pem"),
        "DUES_WECHAT_APIV3_KEY_FILE": str(tmp_path / "apiv3"),
        "DUES_ALIPAY_APP_ID": ALIPAY_APP,
        "DUES_ALIPAY_PRIVATE_KEY_FILE": str(tmp_path / "merchant.pem"),
        "DUES_ALIPAY_PUBLIC_KEY_FILE": str(tmp_path / "platform.pem"),
    }
    for name, value in values.items():
        setattr(settings, name, value)
    # Refused callbacks are audited up to a number a minute per address: start each test at zero.
    schemas = Institution.objects.values_list("schema_name", flat=True)
    cache.delete_many([f"dues-callback-refused:{schema}:127.0.0.1" for schema in schemas])
    return k


def bill(member: Member, month: Month, *, year: int = 2026, number: int = 11, amount: str = "12.50") -> Entry:
    return Entry.objects.create(
        member=member,
        unit_id=member.branch_id,
        kind=Entry.Kind.BILL,
        year=year,
        month=number,
        booked=month,
        amount=Decimal(amount),
    )


def wechat_callback(
    out_trade_no: str, txn: str, fen: int, *, now: float | None = None, key: str = APIV3_KEY
) -> tuple[dict[str, str], bytes]:
    """A TRANSACTION.SUCCESS notification as WeChat Pay sends it: resource encrypted with the
    APIv3 key, the body signed with the platform key."""
    resource = {
        "mchid": MCHID,
        "appid": APPID,
        "out_trade_no": out_trade_no,
        "transaction_id": txn,
        "trade_type": "MWEB",
        "trade_state": "SUCCESS",
        "success_time": "2026-11-20T10:00:00+08:00",
        "amount": {"total": fen, "payer_total": fen, "currency": "CNY"},
    }
    nonce = secrets.token_hex(6)
    cipher = AESGCM(key.encode()).encrypt(nonce.encode(), json.dumps(resource).encode(), b"transaction")
    body = json.dumps(
        {
            "id": secrets.token_hex(8),
            "event_type": "TRANSACTION.SUCCESS",
            "resource_type": "encrypt-resource",
            "resource": {
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(cipher).decode(),
                "associated_data": "transaction",
                "nonce": nonce,
                "original_type": "transaction",
            },
        }
    ).encode()
    timestamp, header_nonce = str(int(now if now is not None else time.time())), secrets.token_hex(8)
    signature = rsa_sha256(keys().platform, f"{timestamp}\n{header_nonce}\n".encode() + body + b"\n")
    headers = {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": header_nonce,
        "Wechatpay-Signature": signature,
        "Wechatpay-Serial": "PLATFORMSERIAL",
    }
    return headers, body


def alipay_notify(out_trade_no: str, txn: str, amount: str, **extra: str) -> bytes:
    params = {
        "notify_time": "2026-11-20 10:00:05",
        "notify_type": "trade_status_sync",
        "notify_id": secrets.token_hex(8),
        "app_id": ALIPAY_APP,
        "charset": "utf-8",
        "version": "1.0",
        "trade_no": txn,
        "out_trade_no": out_trade_no,
        "trade_status": "TRADE_SUCCESS",
        "total_amount": amount,
        "gmt_payment": "2026-11-20 10:00:00",
        **extra,
    }
    content = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if v)
    params["sign"] = rsa_sha256(keys().platform, content.encode())
    params["sign_type"] = "RSA2"
    return urlencode(params).encode()


def sandbox_callback(key: str, body: dict[str, str], *, now: float | None = None) -> tuple[dict[str, str], bytes]:
    raw = json.dumps(body).encode()
    timestamp, nonce = str(int(now if now is not None else time.time())), secrets.token_hex(6)
    signature = hmac.new(key.encode(), f"{timestamp}\n{nonce}\n".encode() + raw + b"\n", hashlib.sha256).hexdigest()
    return {"X-Sandbox-Timestamp": timestamp, "X-Sandbox-Nonce": nonce, "X-Sandbox-Signature": signature}, raw
