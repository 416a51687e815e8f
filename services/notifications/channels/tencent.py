"""Tencent Cloud SMS (API 3.0 ``SendSms``, version 2021-01-11), signed with TC3-HMAC-SHA256:

1. ``CanonicalRequest = METHOD \\n / \\n (empty query) \\n CanonicalHeaders \\n SignedHeaders \\n
   hex(SHA256(body))``, the headers ``content-type`` and ``host`` in lower case, sorted, each
   ``name:value\\n``; ``SignedHeaders = "content-type;host"``;
2. ``StringToSign = "TC3-HMAC-SHA256" \\n Timestamp \\n Date/sms/tc3_request \\n
   hex(SHA256(CanonicalRequest))`` (Date: the UTC date of the timestamp);
3. ``kDate = HMAC("TC3" + SecretKey, Date)``, ``kService = HMAC(kDate, "sms")``,
   ``kSigning = HMAC(kService, "tc3_request")``, ``Signature = hex(HMAC(kSigning, StringToSign))``;
4. ``Authorization: TC3-HMAC-SHA256 Credential=SecretId/Date/sms/tc3_request,
   SignedHeaders=content-type;host, Signature=…``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings

from .base import DeliveryError, Outgoing, Receipt, http_call

SERVICE = "sms"
CONTENT_TYPE = "application/json; charset=utf-8"
RETRYABLE_PREFIXES = ("InternalError", "RequestLimitExceeded", "LimitExceeded", "ResourceUnavailable")
RETRYABLE = {"FailedOperation.FailResolvePacket"}


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def authorization(*, secret_id: str, secret_key: str, host: str, body: bytes, timestamp: int) -> str:
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_headers = f"content-type:{CONTENT_TYPE}\nhost:{host}\n"
    signed_headers = "content-type;host"
    canonical_request = "\n".join(
        ["POST", "/", "", canonical_headers, signed_headers, hashlib.sha256(body).hexdigest()]
    )
    scope = f"{date}/{SERVICE}/tc3_request"
    string_to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    signing_key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), SERVICE), "tc3_request")
    signature = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"


def is_permanent(code: str) -> bool:
    return not (code in RETRYABLE or code.startswith(RETRYABLE_PREFIXES))


class TencentSms:
    name = "tencent"

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))

    def request(self, outgoing: Outgoing, template_params: tuple[str, ...]) -> tuple[bytes, dict[str, str]]:
        payload = {
            "PhoneNumberSet": [f"+86{outgoing.recipient}"],
            "SmsSdkAppId": settings.SMS_TENCENT_APP_ID,
            "SignName": settings.SMS_SIGN_NAME,
            "TemplateId": settings.SMS_TEMPLATE_IDS.get(outgoing.template, outgoing.template),
            "TemplateParamSet": [outgoing.params.get(name, "") for name in template_params],
            "SessionContext": outgoing.reference,
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        host = urlsplit(settings.SMS_TENCENT_ENDPOINT).netloc
        timestamp = int(self.clock().timestamp())
        headers = {
            "Authorization": authorization(
                secret_id=settings.SMS_TENCENT_SECRET_ID,
                secret_key=settings.SMS_TENCENT_SECRET_KEY,
                host=host,
                body=body,
                timestamp=timestamp,
            ),
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": "2021-01-11",
            "X-TC-Region": settings.SMS_TENCENT_REGION,
        }
        return body, headers

    def send(self, outgoing: Outgoing) -> Receipt:
        from ..kinds import template

        body, headers = self.request(outgoing, template(outgoing.template).params)
        status, answer = http_call(settings.SMS_TENCENT_ENDPOINT, method="POST", body=body, headers=headers)
        response = answer.get("Response") or {}
        error = response.get("Error")
        if error:  # the whole call was refused (credentials, signature, throttling)
            code = str(error.get("Code", ""))
            raise DeliveryError(f"tencent {code}: {error.get('Message', '')}", permanent=is_permanent(code), code=code)
        statuses = response.get("SendStatusSet") or []
        if status != 200 or not statuses:
            raise DeliveryError(f"tencent HTTP {status}: no send status", permanent=False, code=f"http_{status}")
        first = statuses[0]
        code = str(first.get("Code", ""))
        if code == "Ok":
            return Receipt(provider_message_id=str(first.get("SerialNo", "")))
        raise DeliveryError(f"tencent {code}: {first.get('Message', '')}", permanent=is_permanent(code), code=code)
