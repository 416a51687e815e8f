"""The adapters against the loopback providers: request building and signing (checked by the
server's own computation, and against a fixed clock and nonce), and every error shape mapped to
retry or give up."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from services.notifications.channels import DeliveryError, Outgoing
from services.notifications.channels.aliyun import AliyunSms
from services.notifications.channels.tencent import TencentSms
from services.notifications.channels.wecom import WeComChannel
from tests.notifications.providers import (
    ALIYUN_SECRET,
    TENCENT_ID,
    TENCENT_KEY,
    FakeProviders,
    aliyun_expected_signature,
    tencent_expected_authorization,
)

NOON = datetime(2026, 9, 1, 4, 0, 5, tzinfo=UTC)
CODE = Outgoing(recipient="13800138000", template="activation_code", params={"code": "834271", "minutes": "10"})


def _fail(adapter: Any, outgoing: Outgoing = CODE) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        adapter.send(outgoing)
    return caught.value


def test_aliyun_request_is_signed_as_documented_with_a_fixed_clock_and_nonce(providers: FakeProviders) -> None:
    params = AliyunSms(clock=lambda: NOON, nonce=lambda: "3ee8c1b8-83d3-44af").params(CODE)
    assert params["Timestamp"] == "2026-09-01T04:00:05Z"
    assert params["SignatureNonce"] == "3ee8c1b8-83d3-44af"
    assert (params["Action"], params["SignatureMethod"], params["SignatureVersion"]) == ("SendSms", "HMAC-SHA1", "1.0")
    assert json.loads(params["TemplateParam"]) == {"code": "834271", "minutes": "10"}
    assert params["SignName"] == "党建云"  # a non-ASCII value is part of what is signed
    assert params["Signature"] == aliyun_expected_signature(params, ALIYUN_SECRET)


def test_aliyun_send_is_accepted_by_the_server_that_checks_the_signature(providers: FakeProviders) -> None:
    receipt = AliyunSms().send(CODE)
    [got] = providers.of("aliyun")
    assert got.signature_ok
    assert got.params["PhoneNumbers"] == "13800138000"
    assert receipt.provider_message_id.endswith("^0")


def test_aliyun_wrong_secret_is_refused_by_the_server_and_never_retried(
    providers: FakeProviders, settings: Any
) -> None:
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    error = _fail(AliyunSms())
    assert error.code == "SignatureDoesNotMatch" and error.permanent


@pytest.mark.parametrize(
    ("code", "permanent"),
    [
        ("isv.MOBILE_NUMBER_ILLEGAL", True),
        ("isv.SMS_TEMPLATE_ILLEGAL", True),
        ("isv.AMOUNT_NOT_ENOUGH", True),
        ("isv.BUSINESS_LIMIT_CONTROL", False),
        ("isp.SYSTEM_ERROR", False),
    ],
)
def test_aliyun_error_codes_are_mapped(providers: FakeProviders, code: str, permanent: bool) -> None:
    providers.script["aliyun"].append(code)
    error = _fail(AliyunSms())
    assert (error.code, error.permanent) == (code, permanent)


def test_tencent_request_is_signed_with_tc3_hmac_sha256(providers: FakeProviders, settings: Any) -> None:
    body, headers = TencentSms(clock=lambda: NOON).request(CODE, ("code", "minutes"))
    assert headers["X-TC-Timestamp"] == str(int(NOON.timestamp()))
    assert "Credential=AKID-test-id/2026-09-01/sms/tc3_request" in headers["Authorization"]
    lowered = {k.lower(): v for k, v in headers.items()}
    assert headers["Authorization"] == tencent_expected_authorization(lowered, body, TENCENT_ID, TENCENT_KEY)
    payload = json.loads(body)
    assert payload["PhoneNumberSet"] == ["+8613800138000"]
    assert payload["TemplateParamSet"] == ["834271", "10"]  # the template's order


def test_tencent_send_is_accepted_and_errors_are_mapped(providers: FakeProviders, settings: Any) -> None:
    receipt = TencentSms().send(CODE)
    assert providers.of("tencent")[-1].signature_ok
    assert receipt.provider_message_id.startswith("5000:")
    providers.script["tencent"] += ["InvalidParameterValue.IncorrectPhoneNumber", "InternalError.Timeout"]
    wrong_number = _fail(TencentSms())
    assert (wrong_number.code, wrong_number.permanent) == ("InvalidParameterValue.IncorrectPhoneNumber", True)
    busy = _fail(TencentSms())
    assert (busy.code, busy.permanent) == ("InternalError.Timeout", False)
    settings.SMS_TENCENT_SECRET_KEY = "wrong"
    refused = _fail(TencentSms())
    assert (refused.code, refused.permanent) == ("AuthFailure.SignatureFailure", True)


NOTE = Outgoing(recipient="zhangsan", subject="会议通知", body="周五下午三点支部大会")


def test_wecom_token_is_fetched_once_and_refreshed_when_the_server_expires_it(providers: FakeProviders) -> None:
    WeComChannel().send(NOTE)
    WeComChannel().send(NOTE)
    assert providers.wecom_tokens_issued == 1  # cached between sends
    sent = [r for r in providers.of("wecom") if "message/send" in r.path]
    assert sent[0].params["touser"] == "zhangsan" and sent[0].params["agentid"] == 1000002
    assert sent[0].params["text"]["content"] == "周五下午三点支部大会"
    providers.expire_wecom_token()  # 42001 on the next send: fetch a new token and send again
    receipt = WeComChannel().send(NOTE)
    assert providers.wecom_tokens_issued == 2
    assert receipt.provider_message_id.startswith("msg-")


def test_wecom_errors_are_mapped(providers: FakeProviders, settings: Any) -> None:
    providers.script["wecom"] += [
        {"errcode": 0, "errmsg": "ok", "invaliduser": "zhangsan"},
        {"errcode": 45009, "errmsg": "api freq out of limit"},
        {"errcode": 81013, "errmsg": "user & party & tag all invalid"},
    ]
    assert _fail(WeComChannel(), NOTE).permanent  # unknown user id
    assert not _fail(WeComChannel(), NOTE).permanent  # the API's rate limit: later
    assert _fail(WeComChannel(), NOTE).permanent
    settings.WECOM_CORP_SECRET = "wrong"
    settings.WECOM_AGENT_ID = "1000003"  # another cache key: a token must be fetched
    assert _fail(WeComChannel(), NOTE).code == "40001"
