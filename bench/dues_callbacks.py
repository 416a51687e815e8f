"""Payment callbacks under load (issue 13): WeChat Pay v3 notifications for 600 orders of two months
each, every one delivered twice and a third of them three times (providers retry and duplicate),
20 at once, through a real server (gunicorn, as `make run` serves). Each delivery is verified
(platform RSA signature, timestamp, AES-GCM resource) and booked under the order's lock. The
provider's side is bench/phones.py's client: the notifications are signed before the clock starts,
and sent by three processes, each delivery on a new connection as the provider opens one.

Before the clock, another 40 orders are paid the same way: a server that has just started spends
its first requests opening each thread's database connection and loading what it loads once (the
payment keys, the URL map), which is not what a running server does with a callback. Without it,
150 orders took under a second and their slowest twentieth was that start.

The figure is the 95th percentile of a delivery. Every answer must be 204, and afterwards exactly
one payment entry per month paid (2 × 640), or the benchmark fails."""

from __future__ import annotations

import base64
import json
import random
import secrets
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from bench.phones import Phone, in_processes
from bench.real_server import Server, serving
from console.services import institution_create
from services.crypto import blind_index
from services.dues.models import Entry, Month, PaymentOrder
from services.dues.payments.models import OrderMonth
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from tenants.db import connection

FIGURES = ("dues_callback_p95_ms",)
ORDERS = 600
WARM_UP = 40
AT_ONCE = 20
HOST = "bduespay.localhost"
MCHID, APIV3 = "1900000001", secrets.token_hex(16)
PLATFORM = rsa.generate_private_key(public_exponent=65537, key_size=2048)
MERCHANT = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _keys(folder: Path) -> dict[str, str]:
    """The server's WeChat Pay settings: key files in ``folder`` (generated for this run only)."""
    merchant = MERCHANT.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    platform = PLATFORM.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (folder / "merchant.pem").write_bytes(merchant)
    (folder / "platform.pem").write_bytes(platform)
    (folder / "apiv3").write_text(APIV3)
    return {
        "DUES_PAY_PROVIDERS": "wechat",
        "DUES_WECHAT_MCHID": MCHID,
        "DUES_WECHAT_APPID": "wxbench",
        "DUES_WECHAT_SERIAL_NO": "MERCHANT",
        "DUES_WECHAT_PRIVATE_KEY_FILE": str(folder / "merchant.pem"),
        "DUES_WECHAT_PLATFORM_SERIAL": "PLATFORM",
        "DUES_WECHAT_PLATFORM_KEY_FILE": str(folder / "platform.pem"),
        "DUES_WECHAT_APIV3_KEY_FILE": str(folder / "apiv3"),
    }


def _notification(order: PaymentOrder) -> tuple[dict[str, str], bytes]:
    """What WeChat Pay sends (signed now: the server refuses anything five minutes old)."""
    resource = {
        "mchid": MCHID,
        "out_trade_no": order.out_trade_no,
        "transaction_id": f"42{order.pk:014d}",
        "trade_state": "SUCCESS",
        "success_time": "2026-11-20T10:00:00+08:00",
        "amount": {"total": int(order.amount * 100), "currency": "CNY"},
    }
    nonce = secrets.token_hex(6)
    cipher = AESGCM(APIV3.encode()).encrypt(nonce.encode(), json.dumps(resource).encode(), b"transaction")
    body = json.dumps(
        {
            "event_type": "TRANSACTION.SUCCESS",
            "resource": {
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(cipher).decode(),
                "associated_data": "transaction",
                "nonce": nonce,
            },
        }
    ).encode()
    timestamp, header_nonce = str(int(time.time())), secrets.token_hex(8)
    message = f"{timestamp}\n{header_nonce}\n".encode() + body + b"\n"
    signature = base64.b64encode(PLATFORM.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = {
        "Content-Type": "application/json",
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": header_nonce,
        "Wechatpay-Signature": signature,
        "Wechatpay-Serial": "PLATFORM",
    }
    return headers, body


def _orders(count: int) -> list[PaymentOrder]:
    """A branch of ``count`` members, each billed two months and with an order for both."""
    committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
    branch = org_unit_create(name="党支部", kind=OrgUnit.Kind.BRANCH, parent=committee)
    members = []
    for i in range(count):
        number = fake_national_id(random.Random(i), date(1990, 1 + i % 12, 1 + i % 28), male=i % 2 == 0)
        members.append(
            Member(
                name=f"党员{i:03d}",
                gender="male" if int(number[16]) % 2 else "female",
                birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                national_id=number,
                national_id_index=blind_index(number),
                number=f"P{i:07d}",
                branch=branch,
            )
        )
    members = Member.objects.bulk_create(members)
    month = Month.objects.create(year=2026, month=11)
    amount = Decimal("12.50")
    Entry.objects.bulk_create(
        Entry(member=m, unit=branch, kind="bill", year=2026, month=n, booked=month, amount=amount)
        for m in members
        for n in (10, 11)
    )
    orders = PaymentOrder.objects.bulk_create(
        PaymentOrder(
            member=m, provider="wechat", out_trade_no=f"DB{i:012d}", amount=amount * 2, months=[[2026, 10], [2026, 11]]
        )
        for i, m in enumerate(members)
    )
    OrderMonth.objects.bulk_create(
        OrderMonth(order=o, year=2026, month=n, amount=amount) for o in orders for n in (10, 11)
    )
    return orders


Delivery = tuple[int, str, dict[str, str], bytes]  # the server's port and host, the notification


def _deliver(delivery: Delivery) -> float:
    port, host, headers, body = delivery
    phone = Phone(port, host)
    try:
        answer = phone.request("POST", "/dues/pay/callback/wechat/", body, headers)
    finally:
        phone.close()
    assert answer.status == 204, (answer.status, answer.body[:300])
    return answer.took


def _jobs(server: Server, orders: list[PaymentOrder]) -> list[Delivery]:
    return [(server.port, server.host, *_notification(order)) for order in orders]


def run() -> list[Figure]:
    with cleanup("bduespay"), tempfile.TemporaryDirectory(prefix="dues-bench-") as folder:
        institution, _ = institution_create(code="bduespay", name="党费基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            made = _orders(WARM_UP + ORDERS)
        warm_up, orders = made[:WARM_UP], made[WARM_UP:]
        connection.set_schema_to_public()
        deliveries = [o for o in orders for _ in range(2)] + orders[: ORDERS // 3]
        random.Random(13).shuffle(deliveries)
        with serving(HOST, **_keys(Path(folder))) as server:  # type: ignore[arg-type]  # the keys are str env values
            warmed = in_processes(_deliver, _jobs(server, warm_up), at_once=AT_ONCE)
            jobs = _jobs(server, deliveries)
            cpu_before = server.cpu_seconds()
            done = in_processes(_deliver, jobs, at_once=AT_ONCE)
            cpu = server.cpu_seconds() - cpu_before
        errors, times = warmed.errors + done.errors, done.results
        with schema_context(institution.schema_name):
            entries = Entry.objects.filter(kind=Entry.Kind.PAYMENT).count()
            paid = PaymentOrder.objects.filter(status="paid").count()
        connection.set_schema_to_public()
        assert not errors, f"{len(errors)} deliveries not answered 204: {errors[:5]}"
        assert entries == (WARM_UP + ORDERS) * 2 and paid == WARM_UP + ORDERS, (entries, paid)
        return [
            ("dues_callback_p95_ms", statistics.quantiles(times, n=20)[-1] * 1000, "ms"),
            ("dues_callback_median_ms", statistics.median(times) * 1000, "ms"),
            # The server's CPU per delivery (every process of it): what the figure costs, whatever the load.
            ("dues_callback_cpu_ms_per_delivery", cpu * 1000 / len(deliveries), "ms"),
            ("dues_callback_client_cpu_ms_per_delivery", done.cpu * 1000 / len(deliveries), "ms"),
        ]
