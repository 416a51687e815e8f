"""Reconciliation of a day's statement (issue 13): WeChat Pay's trade bill of 50,000 payments (its
CSV, every field behind a backtick) imported and matched against a ledger holding those payments
(50,000 paid orders and their entries), with a hundred differences planted: 40 amounts that
differ, 30 payments the ledger lacks, 30 paid orders the statement lacks.

The figure is the whole import (parsing, matching, writing the lines) as the institution's
administrator runs it; it must find exactly the planted differences."""

from __future__ import annotations

import random
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.services import institution_create
from services.accounts.models import User
from services.crypto import blind_index
from services.dues.models import Entry, Month, PaymentOrder
from services.dues.payments.models import Mismatch
from services.dues.reconcile import statement_import
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from tenants.db import connection

FIGURES = ("dues_reconcile_50k_s",)
LINES = 50_000
MEMBERS = 500
DAY = date(2026, 11, 20)
PAID_AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
    "应结订单总金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
    "手续费,费率,订单金额"
)


def _members(branch: OrgUnit) -> list[Member]:
    rows = []
    for i in range(MEMBERS):
        number = fake_national_id(random.Random(i), date(1985, 1 + i % 12, 1 + i % 28), male=i % 2 == 0)
        rows.append(
            Member(
                name=f"党员{i:03d}",
                gender="male" if int(number[16]) % 2 else "female",
                birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                national_id=number,
                national_id_index=blind_index(number),
                number=f"R{i:07d}",
                branch=branch,
            )
        )
    return Member.objects.bulk_create(rows)


def _ledger() -> None:
    """LINES paid orders of the day with their payment entries (the last 30 not on the statement)."""
    committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
    branch = org_unit_create(name="党支部", kind=OrgUnit.Kind.BRANCH, parent=committee)
    members = _members(branch)
    month = Month.objects.create(year=2026, month=11)
    orders = [
        PaymentOrder(
            member=members[i % MEMBERS],
            provider="wechat",
            out_trade_no=f"DR{i:012d}",
            amount=Decimal("12.50"),
            months=[[2026, 11]],
            status="paid",
            provider_txn=f"42{i:016d}",
            paid_at=PAID_AT,
        )
        for i in range(LINES + 30)
    ]
    PaymentOrder.objects.bulk_create(orders, batch_size=5000)
    Entry.objects.bulk_create(
        (
            Entry(
                member=o.member,
                unit=branch,
                kind="payment",
                year=2026,
                month=11,
                booked=month,
                amount=-o.amount,
                method="wechat",
                reference=o.provider_txn,
                idempotency_key=f"wechat:{o.provider_txn}:2026-11",
            )
            for o in orders
            if int(o.out_trade_no[2:]) < LINES - 30  # the statement's last 30 are not recorded
        ),
        batch_size=5000,
    )


def _statement() -> bytes:
    rows = [HEADER]
    for i in range(LINES):
        amount = "12.00" if i < 40 else "12.50"  # the first 40 differ
        fields = [
            "2026-11-20 10:00:00", "wx1", "1900000001", "0", "", f"42{i:016d}", f"DR{i:012d}", "oU", "MWEB",
            "SUCCESS", "CMB_DEBIT", "CNY", amount, "0.00", "0", "0", "0.00", "0.00", "", "", "党费", "", "0.08",
            "0.60%", amount,
        ]  # fmt: skip
        rows.append(",".join(f"`{field}" for field in fields))
    rows.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
    rows.append(f"`{LINES},`0.00,`0.00,`0.00,`0.00,`0.00,`0.00")
    return ("\n".join(rows) + "\n").encode()


def run() -> list[Figure]:
    with cleanup("bduesrec"):
        institution, _ = institution_create(code="bduesrec", name="对账基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            _ledger()
            admin = User.objects.get(username="admin")
            data = _statement()
            started = time.perf_counter()
            statement = statement_import(acting_user=admin, provider="wechat", day=DAY, data=data, filename="bill.csv")
            took = time.perf_counter() - started
            kinds = {kind: Mismatch.objects.filter(kind=kind).count() for kind in Mismatch.Kind.values}
        connection.set_schema_to_public()
        assert statement.lines == LINES, statement.lines
        expected = {"amount_differs": 40, "paid_not_recorded": 30, "recorded_not_paid": 30}
        assert {k: v for k, v in kinds.items() if v} == expected, kinds
        return [("dues_reconcile_50k_s", took, "s")]
