"""Reconciliation: a statement matched to the ledger, each kind of difference listed once, the
lines shown to the managers of the member's branch only, and the API and its refusals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services.dues.models import Entry, Month, PaymentOrder
from services.dues.payments.models import Mismatch, OrderMonth, Statement
from services.dues.reconcile import mismatches_for, statement_import
from tests.conftest import client_for, make_user
from tests.dues.b_support import Keys, bill, providers_fixture  # noqa: F401
from tests.orglife.conftest import Branch

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)
PAID_AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def paid(branch: Branch, month: Month, no: str, txn: str, amount: str, number: int) -> PaymentOrder:
    """An order paid on DAY and booked, as its callback would."""
    member = branch.members[number % len(branch.members)]
    bill(member, month, number=number, amount=amount)
    order = PaymentOrder.objects.create(
        member=member,
        provider="sandbox",
        out_trade_no=no,
        amount=Decimal(amount),
        months=[[2026, number]],
        status="paid",
        provider_txn=txn,
        paid_at=PAID_AT,
    )
    OrderMonth.objects.create(order=order, year=2026, month=number, amount=Decimal(amount))
    Entry.objects.create(
        member=member,
        unit_id=member.branch_id,
        kind=Entry.Kind.PAYMENT,
        year=2026,
        month=number,
        booked=month,
        amount=-Decimal(amount),
        method="sandbox",
        reference=txn,
        idempotency_key=f"sandbox:{txn}:2026-{number:02d}",
    )
    return order


STATEMENT = (
    b"txn,out_trade_no,amount,paid_at\n"
    b"T1,D1,12.50,2026-11-20T10:00:00+08:00\n"  # matches
    b"T2,D2,9.00,2026-11-20T10:01:00+08:00\n"  # the ledger has 12.50: amount differs
    b"T4,D4,7.00,2026-11-20T10:03:00+08:00\n"  # nothing in the ledger: paid, not recorded
)


def test_statement_categories(inst_a: Any, branch: Branch, open_month: Month) -> None:
    paid(branch, open_month, "D1", "T1", "12.50", 1)
    paid(branch, open_month, "D2", "T2", "12.50", 2)
    paid(branch, open_month, "D3", "T3", "12.50", 3)  # not on the statement: recorded, not paid
    statement = statement_import(acting_user=branch.secretary, provider="sandbox", day=DAY, data=STATEMENT)
    assert (statement.lines, statement.total, statement.mismatches) == (3, Decimal("28.50"), 3)
    found = {m.kind: (m.provider_txn, m.expected, m.received) for m in Mismatch.objects.all()}
    assert found == {
        "amount_differs": ("T2", Decimal("12.50"), Decimal("9.00")),
        "recorded_not_paid": ("T3", Decimal("12.50"), None),
        "paid_not_recorded": ("T4", None, Decimal("7.00")),
    }
    assert Mismatch.objects.get(kind="amount_differs").member_id == branch.members[2].pk
    # The same statement again adds nothing.
    statement_import(acting_user=branch.secretary, provider="sandbox", day=DAY, data=STATEMENT)
    assert Mismatch.objects.count() == 3 and Statement.objects.count() == 2


def test_a_line_already_explained_is_not_listed_twice(inst_a: Any, branch: Branch, open_month: Month) -> None:
    Mismatch.objects.create(
        kind="not_booked", provider="sandbox", provider_txn="T4", out_trade_no="D4", key="not_booked:sandbox:T4"
    )
    statement_import(acting_user=branch.secretary, provider="sandbox", day=DAY, data=STATEMENT)
    assert Mismatch.objects.filter(provider_txn="T4").count() == 1


def test_bad_file_and_plain_member_are_refused(inst_a: Any, branch: Branch, open_month: Month) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        statement_import(
            acting_user=branch.secretary, provider="sandbox", day=DAY, data=b"txn,out_trade_no,amount\nT1,D1,abc\n"
        )
    plain = make_user(inst_a, username="dues_plain")
    with pytest.raises(PermissionDenied):
        statement_import(acting_user=plain, provider="sandbox", day=DAY, data=STATEMENT)
    with pytest.raises(PermissionDenied):
        mismatches_for(plain)


def test_lines_are_seen_by_their_branch_managers_only(inst_a: Any, branch: Branch, open_month: Month) -> None:
    from tests.orglife.conftest import make_branch

    other = make_branch(inst_a, username="dues_other_secretary")
    # Transaction numbers no random token on the page can contain (a CSRF token is letters and digits).
    mine, theirs = "TXN-MINE-1", "TXN-THEIRS-2"
    Mismatch.objects.create(kind="paid_not_recorded", provider="sandbox", provider_txn=mine, unit=branch.unit, key="a")
    Mismatch.objects.create(kind="paid_not_recorded", provider="sandbox", provider_txn=theirs, unit=other.unit, key="b")
    assert [m.provider_txn for m in mismatches_for(branch.secretary)] == [mine]
    page = client_for(inst_a, other.secretary).get(reverse("dues_pay:reconcile")).content.decode()
    assert theirs in page and mine not in page


def test_api_statement_and_mismatches(inst_a: Any, branch: Branch, open_month: Month) -> None:
    paid(branch, open_month, "D1", "T1", "12.50", 1)
    client = client_for(inst_a, branch.secretary)
    data = STATEMENT.replace(b"T1,D1,12.50", b"T1,D1,1.25")
    upload = SimpleUploadedFile("sandbox.csv", data, content_type="text/csv")
    answer = client.post(reverse("dues-pay-statements"), {"provider": "sandbox", "day": "2026-11-20", "file": upload})
    assert answer.status_code == 201 and answer.json()["lines"] == 3 and answer.json()["mismatches"] == 3
    # The branch's secretary sees the line of their member; the lines of no member are the institution's.
    lines = client.get(reverse("dues-pay-mismatches")).json()
    assert [(line["kind"], line["out_trade_no"], line["member_name"]) for line in lines] == [
        ("amount_differs", "D1", branch.members[1].name)
    ]
    member_client = client_for(inst_a, make_user(inst_a, username="dues_member_api"))
    assert member_client.get(reverse("dues-pay-mismatches")).status_code == 403


def test_api_orders(inst_a: Any, branch: Branch, open_month: Month, providers: Keys) -> None:
    bill(branch.members[0], open_month)
    client = client_for(inst_a, branch.secretary)
    periods = client.get(reverse("dues-pay-periods")).json()
    assert periods == [{"key": "2026-11", "label": "2026年11月", "total": "12.50", "months": ["2026-11"]}]
    # The sandbox is not reachable in this test: the order is refused in Chinese and left 'failed'.
    refused = client.post(reverse("dues-pay-orders"), {"provider": "sandbox"}, content_type="application/json")
    assert refused.status_code == 400 and "支付渠道暂时无法下单" in refused.content.decode()
    assert PaymentOrder.objects.get().status == "failed"
    assert client.get(reverse("dues-pay-orders")).json()[0]["status"] == "failed"
    no = PaymentOrder.objects.get().out_trade_no
    assert client.get(reverse("dues-pay-order", kwargs={"out_trade_no": no})).status_code == 200
    stranger = client_for(inst_a, make_user(inst_a, username="dues_stranger"))
    assert stranger.get(reverse("dues-pay-order", kwargs={"out_trade_no": no})).status_code == 404


def test_quarterly_branch_pays_by_quarter(inst_a: Any, branch: Branch, open_month: Month) -> None:
    from services.dues.models import BranchSettings
    from services.dues.payments.orders import payable_periods

    BranchSettings.objects.create(unit=branch.unit, quarterly=True)
    for number in (10, 11, 12):
        bill(branch.members[0], open_month, number=number)
    (quarter,) = payable_periods(branch.members[0])
    assert quarter.key == "2026-Q4" and quarter.total == Decimal("37.50") and len(quarter.months) == 3


def test_the_openapi_schema_describes_the_payment_routes(inst_a: Any, branch: Branch) -> None:
    body = client_for(inst_a, branch.secretary).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for route in (
        "/api/dues/pay/periods/",
        "/api/dues/pay/orders/",
        "/api/dues/pay/orders/{out_trade_no}/",
        "/api/dues/pay/orders/{out_trade_no}/check/",
        "/api/dues/pay/mismatches/",
        "/api/dues/pay/statements/",
    ):
        assert route in body
