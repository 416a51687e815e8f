"""The payment adapters against signatures computed here, independently (cryptography and hmac
directly): request signing, callback verification, tampering, stale timestamps, statements."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from services.dues.payments import alipay as alipay_module
from services.dues.payments import wechat as wechat_module
from services.dues.payments.alipay import Alipay, AlipayConfig, parse_business_detail
from services.dues.payments.base import OrderRequest, PaymentError, SignatureError, yuan
from services.dues.payments.sandbox import SandboxPay, parse_sandbox_statement
from services.dues.payments.wechat import WechatConfig, WechatPay, parse_trade_bill
from tests.dues.b_support import (
    ALIPAY_APP,
    APIV3_KEY,
    APPID,
    MCHID,
    alipay_notify,
    keys,
    private_pem,
    public_pem,
    rsa_sha256,
    sandbox_callback,
    wechat_callback,
)

NOW = 1_795_000_000.0


def verify(public_key: Any, message: bytes, signature: str) -> None:
    public_key.verify(base64.b64decode(signature), message, padding.PKCS1v15(), hashes.SHA256())


def wechat(clock: float = NOW) -> WechatPay:
    k = keys()
    config = WechatConfig(
        mchid=MCHID,
        appid=APPID,
        serial_no="MERCHANTSERIAL",
        private_key_pem=private_pem(k.merchant),
        platform_serial="PLATFORMSERIAL",
        platform_public_key_pem=public_pem(k.platform),
        apiv3_key=APIV3_KEY,
        endpoint="https://api.mch.weixin.qq.com",
    )
    return WechatPay(config, clock=lambda: clock, nonce=lambda: "NONCE123")


def test_wechat_request_is_signed_as_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: dict[str, Any] = {}

    def fake_call(url: str, *, method: str, body: bytes | None, headers: dict[str, str]) -> Any:
        sent.update(url=url, method=method, body=body, headers=headers)
        answer = b'{"h5_url":"https://wx.tenpay.com/pay?prepay_id=1"}'
        ts, nonce = str(int(NOW)), "n1"
        signature = rsa_sha256(keys().platform, f"{ts}\n{nonce}\n".encode() + answer + b"\n")
        return (
            200,
            {
                "Wechatpay-Timestamp": ts,
                "Wechatpay-Nonce": nonce,
                "Wechatpay-Signature": signature,
                "Wechatpay-Serial": "PLATFORMSERIAL",
            },
            answer,
        )

    monkeypatch.setattr(wechat_module, "http_call", fake_call)
    checkout = wechat().create_order(
        OrderRequest(out_trade_no="D1", amount=Decimal("12.50"), description="党费", notify_url="https://a.example/cb/")
    )
    assert checkout.pay_url.startswith("https://wx.tenpay.com/")
    assert sent["url"] == "https://api.mch.weixin.qq.com/v3/pay/transactions/h5"
    payload = json.loads(sent["body"])
    assert payload["amount"] == {"total": 1250, "currency": "CNY"} and payload["mchid"] == MCHID
    auth = sent["headers"]["Authorization"]
    assert auth.startswith("WECHATPAY2-SHA256-RSA2048 ")
    fields = dict(part.split("=", 1) for part in auth.split(" ", 1)[1].split(","))
    fields = {k: v.strip('"') for k, v in fields.items()}
    assert fields["mchid"] == MCHID and fields["serial_no"] == "MERCHANTSERIAL" and fields["nonce_str"] == "NONCE123"
    message = f"POST\n/v3/pay/transactions/h5\n{int(NOW)}\nNONCE123\n{sent['body'].decode()}\n".encode()
    verify(keys().merchant.public_key(), message, fields["signature"])


def test_wechat_callback_verified_and_decrypted() -> None:
    headers, body = wechat_callback("D1", "4200001", 1250, now=NOW)
    notice = wechat(NOW + 10).parse_callback(headers, body)
    assert (notice.out_trade_no, notice.txn, notice.amount) == ("D1", "4200001", Decimal("12.50"))
    assert notice.paid_at == datetime.fromisoformat("2026-11-20T10:00:00+08:00")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda h, b: (h, b.replace(b'"id": "', b'"id": "x')), "signature"),  # tampered body
        (lambda h, b: ({**h, "Wechatpay-Signature": h["Wechatpay-Signature"][:-8] + "AAAAAAA="}, b), "signature"),
        (lambda h, b: ({**h, "Wechatpay-Serial": "OTHER"}, b), "serial"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "Wechatpay-Signature"}, b), "unsigned"),
    ],
)
def test_wechat_callback_refusals(change: Any, code: str) -> None:
    headers, body = change(*wechat_callback("D1", "4200001", 1250, now=NOW))
    with pytest.raises(SignatureError) as refused:
        wechat(NOW).parse_callback(headers, body)
    assert refused.value.code == code


def test_wechat_callback_stale_timestamp_is_refused() -> None:
    headers, body = wechat_callback("D1", "4200001", 1250, now=NOW - 301)
    with pytest.raises(SignatureError) as refused:
        wechat(NOW).parse_callback(headers, body)
    assert refused.value.code == "stale"


def test_wechat_resource_under_another_key_does_not_decrypt() -> None:
    headers, body = wechat_callback("D1", "4200001", 1250, now=NOW, key="f" * 32)
    with pytest.raises(SignatureError) as refused:
        wechat(NOW).parse_callback(headers, body)
    assert refused.value.code == "decrypt"


def alipay() -> Alipay:
    k = keys()
    config = AlipayConfig(
        app_id=ALIPAY_APP, private_key_pem=private_pem(k.merchant), alipay_public_key_pem=public_pem(k.platform)
    )
    return Alipay(config, clock=lambda: datetime.fromisoformat("2026-11-20T10:00:00+08:00"))


def test_alipay_wap_pay_url_is_signed_rsa2() -> None:
    checkout = alipay().create_order(
        OrderRequest(
            out_trade_no="D2",
            amount=Decimal("30.00"),
            description="党费",
            notify_url="https://a.example/cb/",
            return_url="https://a.example/r/",
        )
    )
    params = dict(parse_qsl(urlsplit(checkout.pay_url).query))
    assert params["method"] == "alipay.trade.wap.pay" and params["sign_type"] == "RSA2"
    assert json.loads(params["biz_content"])["total_amount"] == "30.00"
    assert params["timestamp"] == "2026-11-20 10:00:00"
    content = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign" and v)
    verify(keys().merchant.public_key(), content.encode(), params["sign"])


def test_alipay_notify_verified() -> None:
    notice = alipay().parse_callback({}, alipay_notify("D2", "2026112022001", "30.00"))
    assert (notice.out_trade_no, notice.txn, notice.amount) == ("D2", "2026112022001", Decimal("30.00"))


def test_alipay_notify_tampered_amount_is_refused() -> None:
    body = alipay_notify("D2", "2026112022001", "30.00").replace(b"total_amount=30.00", b"total_amount=0.01")
    with pytest.raises(SignatureError):
        alipay().parse_callback({}, body)


def test_alipay_query_answer_signature_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    node = '{"code":"10000","msg":"Success","trade_no":"T9","out_trade_no":"D2","trade_status":"TRADE_SUCCESS","total_amount":"30.00","send_pay_date":"2026-11-20 10:00:00"}'  # noqa: E501
    signature = rsa_sha256(keys().platform, node.encode())
    answer = f'{{"alipay_trade_query_response":{node},"sign":"{signature}"}}'.encode()
    monkeypatch.setattr(alipay_module, "http_call", lambda *a, **k: (200, {}, answer))
    status = alipay().query("D2")
    assert (status.state, status.txn, status.amount) == ("paid", "T9", Decimal("30.00"))
    monkeypatch.setattr(alipay_module, "http_call", lambda *a, **k: (200, {}, answer.replace(b"30.00", b"31.00", 1)))
    with pytest.raises(SignatureError):
        alipay().query("D2")


def test_sandbox_callback_hmac() -> None:
    key = keys().sandbox
    adapter = SandboxPay(url="http://127.0.0.1:9", key=key, clock=lambda: NOW)
    body = {
        "out_trade_no": "D3",
        "txn": "S1",
        "amount": "5.00",
        "paid_at": "2026-11-20T10:00:00+08:00",
        "status": "SUCCESS",
    }
    headers, raw = sandbox_callback(key, body, now=NOW)
    assert adapter.parse_callback(headers, raw).amount == Decimal("5.00")
    with pytest.raises(SignatureError):
        adapter.parse_callback(headers, raw.replace(b"5.00", b"0.05"))
    stale_headers, stale = sandbox_callback(key, body, now=NOW - 400)
    with pytest.raises(SignatureError):
        adapter.parse_callback(stale_headers, stale)


WECHAT_BILL = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
    "应结订单总金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额\n"
    "`2026-11-20 10:00:00,`wx1,`1900000001,`0,`,`4200001,`D1,`oU1,`MWEB,`SUCCESS,`CMB_DEBIT,`CNY,`12.50,`0.00,`0,`0,`0.00,`0.00,`,`,`党费,`,`0.08,`0.60%,`12.50\n"  # noqa: E501
    "`2026-11-20 11:00:00,`wx1,`1900000001,`0,`,`4200002,`D9,`oU2,`MWEB,`REFUND,`CMB_DEBIT,`CNY,`0.00,`0.00,`50001,`R1,`3.00,`0.00,`ORIGINAL,`SUCCESS,`党费,`,`0.00,`0.60%,`3.00\n"  # noqa: E501
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n"
    "`2,`12.50,`3.00,`0.00,`0.08,`15.50,`3.00\n"
)

ALIPAY_DETAIL = (
    "#支付宝业务明细查询\n#账号：[20880000000000000156]\n#起始日期：[2026年11月20日 00:00:00]   "
    "终止日期：[2026年11月21日 00:00:00]\n"
    "#-----------------------------------------业务明细列表----------------------------------------\n"
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）\n"
    "2026112022001\t,D2\t,交易,党费,2026-11-20 09:59:50,2026-11-20 10:00:00,,,,,abc***@qq.com,30.00,30.00\n"
    "2026112022002\t,D8\t,退款,党费,2026-11-20 12:00:00,2026-11-20 12:00:01,,,,,abc***@qq.com,-5.00,-5.00\n"
    "#-----------------------------------------业务明细列表结束------------------------------------\n#交易合计：1笔，商家实收共30.00元\n"
)


def test_statements_parse() -> None:
    assert [(x.txn, x.out_trade_no, x.amount) for x in parse_trade_bill(WECHAT_BILL)] == [
        ("4200001", "D1", Decimal("12.50"))
    ]
    assert [(x.txn, x.out_trade_no, x.amount) for x in parse_business_detail(ALIPAY_DETAIL)] == [
        ("2026112022001", "D2", Decimal("30.00"))
    ]
    sandbox = parse_sandbox_statement("txn,out_trade_no,amount,paid_at\nS1,D3,5.00,2026-11-20T10:00:00+08:00\n")
    assert [(x.txn, x.amount) for x in sandbox] == [("S1", Decimal("5.00"))]


@pytest.mark.parametrize("value", ["-1", "1.001", "abc", "NaN"])
def test_amounts_to_the_fen_only(value: str) -> None:
    with pytest.raises(PaymentError):
        yuan(value)
