"""A small HTTP server on loopback that plays Aliyun SMS, Tencent Cloud SMS and WeChat Work.

It checks every request as the provider would: the signature is recomputed here, independently
of the adapters' code, from the providers' documented algorithms (Aliyun: the Java recipe of
URL-encoding then fixing ``+``, ``*`` and ``~``; Tencent: TC3-HMAC-SHA256 from the received
headers and body), and answers with the providers' real shapes: success, or the error a test
scripted, or the signature error when it does not match.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit

ALIYUN_KEY_ID, ALIYUN_SECRET = "LTAI-test-id", "aliyun-test-secret"
TENCENT_ID, TENCENT_KEY = "AKID-test-id", "tencent-test-key"
WECOM_CORP, WECOM_SECRET = "ww-test-corp", "wecom-test-secret"


def aliyun_encode(value: str) -> str:
    """The documented recipe: standard form encoding, then + → %20, * → %2A, %7E → ~."""
    return quote_plus(value, encoding="utf-8").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def aliyun_expected_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    canonical = "&".join(aliyun_encode(k) + "=" + aliyun_encode(v) for k, v in pairs)
    to_sign = method + "&" + aliyun_encode("/") + "&" + aliyun_encode(canonical)
    return base64.b64encode(hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def tencent_expected_authorization(headers: dict[str, str], body: bytes, secret_id: str, secret_key: str) -> str:
    timestamp = int(headers["x-tc-timestamp"])
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_request = (
        "POST\n/\n\n"
        + f"content-type:{headers['content-type'].strip()}\nhost:{headers['host'].strip()}\n\n"
        + "content-type;host\n"
        + hashlib.sha256(body).hexdigest()
    )
    scope = f"{day}/sms/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n" + hashlib.sha256(canonical_request.encode()).hexdigest()

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + secret_key).encode(), day), "sms"), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, Signature={signature}"


@dataclass
class Received:
    provider: str
    path: str
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    signature_ok: bool = True


@dataclass
class FakeProviders:
    """What the server received, and what it answers next (``script[provider]``: answers popped
    in order; when empty, success)."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    script: dict[str, list[Any]] = field(default_factory=lambda: {"aliyun": [], "tencent": [], "wecom": []})
    wecom_token: str = ""
    wecom_tokens_issued: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, provider: str) -> list[Received]:
        return [r for r in self.received if r.provider == provider]

    def expire_wecom_token(self) -> None:
        self.wecom_token = "revoked-by-the-server"


def _aliyun(fake: FakeProviders, got: Received) -> tuple[int, dict[str, Any]]:
    got.params = dict(parse_qsl(got.body.decode(), keep_blank_values=True))
    got.signature_ok = got.params.get("Signature") == aliyun_expected_signature(got.params, ALIYUN_SECRET)
    if not got.signature_ok:
        return 400, {
            "RequestId": "A1B2C3D4",
            "Message": "Specified signature does not match our calculation.",
            "Recommend": "https://next.api.aliyun.com/troubleshoot",
            "HostId": "dysmsapi.aliyuncs.com",
            "Code": "SignatureDoesNotMatch",
        }
    if fake.script["aliyun"]:
        code = fake.script["aliyun"].pop(0)
        return 200, {"RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990", "Message": f"{code} message", "Code": code}
    return 200, {
        "Message": "OK",
        "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990",
        "Code": "OK",
        "BizId": f"9006197469364984{len(fake.of('aliyun'))}^0",
    }


def _tencent(fake: FakeProviders, got: Received) -> tuple[int, dict[str, Any]]:
    payload = json.loads(got.body)
    got.params = {"TemplateId": payload["TemplateId"], "TemplateParamSet": json.dumps(payload["TemplateParamSet"])}
    expected = tencent_expected_authorization(got.headers, got.body, TENCENT_ID, TENCENT_KEY)
    got.signature_ok = got.headers.get("authorization") == expected and got.headers.get("x-tc-action") == "SendSms"
    request_id = "a0aabda6-cf91-4f3e-a2a5-ce5c1d4f1e1f"
    if not got.signature_ok:
        error = {"Code": "AuthFailure.SignatureFailure", "Message": "The provided credentials could not be validated."}
        return 200, {"Response": {"Error": error, "RequestId": request_id}}
    status = {"SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": payload["PhoneNumberSet"][0]}
    status |= {"Fee": 1, "SessionContext": payload.get("SessionContext", ""), "IsoCode": "CN"}
    if fake.script["tencent"]:
        code = fake.script["tencent"].pop(0)
        if code.startswith(("InternalError", "RequestLimitExceeded")):  # the whole call refused
            return 200, {"Response": {"Error": {"Code": code, "Message": "try later"}, "RequestId": request_id}}
        return 200, {"Response": {"SendStatusSet": [status | {"Code": code, "Message": code}], "RequestId": request_id}}
    return 200, {
        "Response": {"SendStatusSet": [status | {"Code": "Ok", "Message": "send success"}], "RequestId": request_id}
    }


def _wecom(fake: FakeProviders, got: Received) -> tuple[int, dict[str, Any]]:
    query = dict(parse_qsl(urlsplit(got.path).query))
    if got.path.startswith("/wecom/cgi-bin/gettoken"):
        if (query.get("corpid"), query.get("corpsecret")) != (WECOM_CORP, WECOM_SECRET):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        fake.wecom_tokens_issued += 1
        fake.wecom_token = f"token-{fake.wecom_tokens_issued}"
        return 200, {"errcode": 0, "errmsg": "ok", "access_token": fake.wecom_token, "expires_in": 7200}
    got.params = json.loads(got.body)
    if query.get("access_token") != fake.wecom_token:
        return 200, {"errcode": 42001, "errmsg": "access_token expired"}
    if fake.script["wecom"]:
        answer = fake.script["wecom"].pop(0)
        return 200, answer
    return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msg-{len(fake.of('wecom'))}"}


def serve() -> tuple[FakeProviders, ThreadingHTTPServer]:
    fake = FakeProviders()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            provider = self.path.strip("/").split("/")[0]
            got = Received(provider, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            with fake.lock:
                fake.received.append(got)
                status, answer = {"aliyun": _aliyun, "tencent": _tencent, "wecom": _wecom}[provider](fake, got)
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


def provider_env(fake: FakeProviders, provider: str) -> dict[str, str]:
    """Environment (or settings) that point the adapters at the fake."""
    return {
        "SMS_PROVIDER": provider,
        "SMS_ALIYUN_ENDPOINT": f"{fake.url}/aliyun/",
        "SMS_ALIYUN_ACCESS_KEY_ID": ALIYUN_KEY_ID,
        "SMS_ALIYUN_ACCESS_KEY_SECRET": ALIYUN_SECRET,
        "SMS_TENCENT_ENDPOINT": f"{fake.url}/tencent/",
        "SMS_TENCENT_SECRET_ID": TENCENT_ID,
        "SMS_TENCENT_SECRET_KEY": TENCENT_KEY,
        "SMS_TENCENT_APP_ID": "1400006666",
        "WECOM_ENDPOINT": f"{fake.url}/wecom/",
        "WECOM_CORP_ID": WECOM_CORP,
        "WECOM_CORP_SECRET": WECOM_SECRET,
        "WECOM_AGENT_ID": "1000002",
    }
