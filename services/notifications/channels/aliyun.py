"""Aliyun SMS (dysmsapi ``SendSms``), signed as Alibaba Cloud's RPC APIs are (signature 1.0):

1. every parameter but ``Signature``, sorted by name, each name and value percent-encoded
   (RFC 3986: only A–Z a–z 0–9 - _ . ~ left as they are; a space is %20), joined as
   ``name=value`` with ``&``: the canonicalised query string;
2. ``StringToSign = METHOD & percentEncode("/") & percentEncode(canonicalised query string)``;
3. ``Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))``.

The parameters go in a form-encoded POST body (so a code never sits in a URL in a proxy's log).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings

from .base import DeliveryError, Outgoing, Receipt, http_call

# Codes after which sending the same message again cannot succeed.
PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_SIGN_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.TEMPLATE_PARAMS_ILLEGAL",
    "isv.INVALID_PARAMETERS",
    "isv.INVALID_JSON_PARAM",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.AMOUNT_NOT_ENOUGH",
    "isv.ACCOUNT_NOT_EXISTS",
    "isv.ACCOUNT_ABNORMAL",
    "isv.DENY_IP_RANGE",
    "isp.RAM_PERMISSION_DENY",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
    "InvalidAccessKeyId.Inactive",
    "MissingParameter",
}
# Codes worth another try later (flow control, the provider's own trouble).
RETRYABLE = {"isp.SYSTEM_ERROR", "isv.BUSINESS_LIMIT_CONTROL", "Throttling", "ServiceUnavailable", "InternalError"}


def percent_encode(value: str) -> str:
    return quote(value, safe="-_.~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def signature(*, method: str, params: dict[str, str], secret: str) -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def is_permanent(code: str, status: int) -> bool:
    if code in PERMANENT:
        return True
    if code in RETRYABLE or code.startswith(("isp.", "Throttling")) or status >= 500:
        return False
    return code.startswith("isv.") or 400 <= status < 500


class AliyunSms:
    name = "aliyun"

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        nonce: Callable[[], str] | None = None,
    ) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.nonce = nonce or (lambda: uuid.uuid4().hex)

    def params(self, outgoing: Outgoing) -> dict[str, str]:
        params = {
            "AccessKeyId": settings.SMS_ALIYUN_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": outgoing.recipient,
            "RegionId": settings.SMS_ALIYUN_REGION,
            "SignName": settings.SMS_SIGN_NAME,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": self.nonce(),
            "SignatureVersion": "1.0",
            "TemplateCode": settings.SMS_TEMPLATE_IDS.get(outgoing.template, outgoing.template),
            "TemplateParam": json.dumps(outgoing.params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": self.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        if outgoing.reference:
            params["OutId"] = outgoing.reference
        params["Signature"] = signature(method="POST", params=params, secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET)
        return params

    def send(self, outgoing: Outgoing) -> Receipt:
        body = canonical_query(self.params(outgoing)).encode()
        status, answer = http_call(
            settings.SMS_ALIYUN_ENDPOINT,
            method="POST",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        code = str(answer.get("Code", ""))
        if status == 200 and code == "OK":
            return Receipt(provider_message_id=str(answer.get("BizId", "")))
        message = f"aliyun {code or status}: {answer.get('Message', '')}"
        raise DeliveryError(message, permanent=is_permanent(code, status), code=code)
