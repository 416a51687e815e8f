"""Provider callbacks through the app's URL: verified payments booked exactly once, everything
else refused or put on the reconciliation list, with an audit row, and no money lost or counted twice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from services.audit.models import AuditEvent
from services.dues.models import Entry, Month, PaymentOrder
from services.dues.payments.models import Mismatch, OrderMonth
from services.members.models import Member
from tests.conftest import client_for
from tests.dues.b_support import Keys, alipay_notify, bill, providers_fixture, sandbox_callback, wechat_callback  # noqa: F401
from tests.orglife.conftest import Branch

pytestmark = pytest.mark.django_db


def order_for(
    branch: Branch, provider: str, months: list[tuple[int, int, str]], no: str = "D20261120000001"
) -> PaymentOrder:
    member = branch.members[0]
    total = sum((Decimal(a) for _, _, a in months), Decimal("0.00"))
    order = PaymentOrder.objects.create(
        member=member, provider=provider, out_trade_no=no, amount=total, months=[[y, m] for y, m, _ in months]
    )
    OrderMonth.objects.bulk_create(OrderMonth(order=order, year=y, month=m, amount=Decimal(a)) for y, m, a in months)
    return order


def post_wechat(inst: Any, headers: dict[str, str], body: bytes) -> Any:
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    url = reverse("dues_pay:callback", kwargs={"provider": "wechat"})
    return client_for(inst).post(url, data=body, content_type="application/json", **extra)


def payments(member: Member) -> list[tuple[int, int, Decimal, str]]:
    rows = Entry.objects.filter(member=member, kind=Entry.Kind.PAYMENT).order_by("year", "month")
    return [(e.year, e.month, e.amount, e.idempotency_key or "") for e in rows]


def test_wechat_callback_books_each_month_once(inst_a: Any, branch: Branch, open_month: Month, providers: Keys) -> None:
    member = branch.members[0]
    bill(member, open_month, number=10, amount="12.50")
    bill(member, open_month, number=11, amount="12.50")
    order = order_for(branch, "wechat", [(2026, 10, "12.50"), (2026, 11, "12.50")])
    headers, body = wechat_callback(order.out_trade_no, "4200000001", 2500)
    answer = post_wechat(inst_a, headers, body)
    assert answer.status_code == 204
    assert payments(member) == [
        (2026, 10, Decimal("-12.50"), "wechat:4200000001:2026-10"),
        (2026, 11, Decimal("-12.50"), "wechat:4200000001:2026-11"),
    ]
    order.refresh_from_db()
    assert order.status == "paid" and order.provider_txn == "4200000001"
    # The same delivery again, and a fresh delivery of the same payment (new nonce): nothing new.
    assert post_wechat(inst_a, headers, body).status_code == 204
    assert post_wechat(inst_a, *wechat_callback(order.out_trade_no, "4200000001", 2500)).status_code == 204
    assert len(payments(member)) == 2
    assert AuditEvent.objects.filter(event="dues.online_payment_recorded").count() == 1


@pytest.mark.parametrize(
    "spoil",
    [
        lambda h, b: (h, b.replace(b'"event_type"', b'"event_typ"')),
        lambda h, b: ({**h, "Wechatpay-Timestamp": str(int(h["Wechatpay-Timestamp"]) - 600)}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != "Wechatpay-Signature"}, b),
    ],
    ids=["tampered", "stale", "unsigned"],
)
def test_bad_wechat_callback_is_refused_and_audited(
    inst_a: Any, branch: Branch, open_month: Month, providers: Keys, spoil: Any
) -> None:
    bill(branch.members[0], open_month)
    order = order_for(branch, "wechat", [(2026, 11, "12.50")])
    answer = post_wechat(inst_a, *spoil(*wechat_callback(order.out_trade_no, "4200000002", 1250)))
    assert answer.status_code == 400 and answer.json()["code"] == "FAIL"
    assert not Entry.objects.filter(kind=Entry.Kind.PAYMENT).exists()
    assert not Mismatch.objects.exists()
    assert AuditEvent.objects.filter(event="dues.callback_refused").count() == 1
    order.refresh_from_db()
    assert order.status == "created"


def test_an_address_sending_forgeries_in_a_loop_gets_log_lines_after_the_first_audit_rows(
    inst_a: Any, branch: Branch, open_month: Month, providers: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    from services.dues.callbacks import REFUSALS_AUDITED

    order = order_for(branch, "wechat", [(2026, 11, "12.50")])
    headers, body = wechat_callback(order.out_trade_no, "4200000009", 1250)
    forged = {**headers, "Wechatpay-Signature": headers["Wechatpay-Signature"][::-1]}
    for _ in range(REFUSALS_AUDITED + 5):
        assert post_wechat(inst_a, forged, body).status_code == 400
    assert AuditEvent.objects.filter(event="dues.callback_refused").count() == REFUSALS_AUDITED
    assert sum("not audited" in record.getMessage() for record in caplog.records) == 5
    # Refused is refused, audited or not: the real delivery still books once.
    assert post_wechat(inst_a, headers, body).status_code == 204
    assert len(payments(branch.members[0])) == 1


def test_stale_replay_of_a_good_callback_is_refused(
    inst_a: Any, branch: Branch, open_month: Month, providers: Keys
) -> None:
    import time

    bill(branch.members[0], open_month)
    order = order_for(branch, "wechat", [(2026, 11, "12.50")])
    answer = post_wechat(inst_a, *wechat_callback(order.out_trade_no, "4200000003", 1250, now=time.time() - 301))
    assert answer.status_code == 400 and not Entry.objects.filter(kind=Entry.Kind.PAYMENT).exists()


def test_amount_differs_writes_no_payment_and_a_line(
    inst_a: Any, branch: Branch, open_month: Month, providers: Keys
) -> None:
    bill(branch.members[0], open_month)
    order = order_for(branch, "wechat", [(2026, 11, "12.50")])
    for _ in range(2):
        assert post_wechat(inst_a, *wechat_callback(order.out_trade_no, "4200000004", 1)).status_code == 204
    assert not Entry.objects.filter(kind=Entry.Kind.PAYMENT).exists()
    line = Mismatch.objects.get()
    assert (line.kind, line.expected, line.received, line.member_id) == (
        "amount_differs",
        Decimal("12.50"),
        Decimal("0.01"),
        branch.members[0].pk,
    )
    assert AuditEvent.objects.filter(event="dues.payment_mismatch").count() == 1
    order.refresh_from_db()
    assert order.status == "created"


def test_transferred_out_member_is_a_refund_line(
    inst_a: Any, branch: Branch, open_month: Month, providers: Keys
) -> None:
    member = branch.members[0]
    bill(member, open_month)
    order = order_for(branch, "wechat", [(2026, 11, "12.50")])
    Member.objects.filter(pk=member.pk).update(status=Member.Status.TRANSFERRED_OUT)
    assert post_wechat(inst_a, *wechat_callback(order.out_trade_no, "4200000005", 1250)).status_code == 204
    assert not Entry.objects.filter(kind=Entry.Kind.PAYMENT).exists()
    assert Mismatch.objects.get().kind == "transferred_out"
    order.refresh_from_db()
    assert order.status == "paid"  # the money came: it waits for the refund, never lost


def test_no_open_month_keeps_the_order_paid_for_booking_later(inst_a: Any, branch: Branch, providers: Keys) -> None:
    month = Month.objects.create(year=2026, month=11)
    bill(branch.members[0], month)
    order = order_for(branch, "wechat", [(2026, 11, "12.50")])
    Month.objects.filter(pk=month.pk).update(status=Month.Status.CLOSED)
    assert post_wechat(inst_a, *wechat_callback(order.out_trade_no, "4200000006", 1250)).status_code == 204
    line = Mismatch.objects.get()
    assert line.kind == "not_booked" and not Entry.objects.filter(kind=Entry.Kind.PAYMENT).exists()
    # The commissioner books it once December is open.
    Month.objects.create(year=2026, month=12)
    commissioner = branch.members[1]
    from tests.conftest import make_user

    commissioner.user = make_user(inst_a, username="dues_org")
    commissioner.save(update_fields=["user"])
    client = client_for(inst_a, commissioner.user)
    assert client.post(reverse("dues_pay:book", kwargs={"pk": line.pk})).status_code == 302
    booked = Entry.objects.get(kind=Entry.Kind.PAYMENT)
    assert (booked.year, booked.month, booked.booked.month, booked.created_by_id) == (
        2026,
        11,
        12,
        commissioner.user.pk,
    )


def test_out_of_order_second_payment_of_paid_months_is_a_refund_line(
    inst_a: Any, branch: Branch, open_month: Month, providers: Keys
) -> None:
    bill(branch.members[0], open_month)
    first = order_for(branch, "wechat", [(2026, 11, "12.50")], no="D1")
    second = order_for(branch, "wechat", [(2026, 11, "12.50")], no="D2")
    first.status = PaymentOrder.Status.CLOSED
    first.save(update_fields=["status"])
    assert post_wechat(inst_a, *wechat_callback(second.out_trade_no, "4200000010", 1250)).status_code == 204
    # The closed order is paid after all (its page was still open on another phone).
    assert post_wechat(inst_a, *wechat_callback(first.out_trade_no, "4200000011", 1250)).status_code == 204
    assert len(payments(branch.members[0])) == 1
    assert Mismatch.objects.get().kind == "already_paid"


def test_unknown_order_is_recorded(inst_a: Any, branch: Branch, open_month: Month, providers: Keys) -> None:
    assert post_wechat(inst_a, *wechat_callback("NOSUCH", "4200000012", 100)).status_code == 204
    assert Mismatch.objects.get().kind == "unknown_order"


def test_alipay_notify_answers_success(inst_a: Any, branch: Branch, open_month: Month, providers: Keys) -> None:
    bill(branch.members[0], open_month)
    order = order_for(branch, "alipay", [(2026, 11, "12.50")])
    url = reverse("dues_pay:callback", kwargs={"provider": "alipay"})
    body = alipay_notify(order.out_trade_no, "2026112022000001", "12.50")
    client = client_for(inst_a)
    for _ in range(2):
        answer = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        assert (answer.status_code, answer.content) == (200, b"success")
    assert len(payments(branch.members[0])) == 1
    bad = client.post(url, data=body.replace(b"12.50", b"1.25"), content_type="application/x-www-form-urlencoded")
    assert bad.status_code == 401 and bad.content == b"failure"


def test_sandbox_callback_and_disabled_provider(
    inst_a: Any, branch: Branch, open_month: Month, providers: Keys, settings: Any
) -> None:
    bill(branch.members[0], open_month)
    order = order_for(branch, "sandbox", [(2026, 11, "12.50")])
    headers, body = sandbox_callback(
        providers.sandbox,
        {
            "out_trade_no": order.out_trade_no,
            "txn": "SBX1",
            "amount": "12.50",
            "paid_at": "2026-11-20T10:00:00+08:00",
            "status": "SUCCESS",
        },
    )
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    url = reverse("dues_pay:callback", kwargs={"provider": "sandbox"})
    assert client_for(inst_a).post(url, data=body, content_type="application/json", **extra).status_code == 200
    assert len(payments(branch.members[0])) == 1
    settings.DUES_PAY_PROVIDERS = ["wechat"]
    assert client_for(inst_a).post(url, data=body, content_type="application/json", **extra).status_code == 404


def test_repeated_deliveries_book_once(inst_a: Any, branch: Branch, open_month: Month, providers: Keys) -> None:
    """The service itself, delivered three times (concurrent deliveries through a real server:
    bench/dues_callbacks.py, which checks one entry per month afterwards)."""
    from services.dues.payments.base import Notice
    from services.dues.payments.booking import payment_record

    bill(branch.members[0], open_month)
    order = order_for(branch, "wechat", [(2026, 11, "12.50")])
    notice = Notice(
        out_trade_no=order.out_trade_no, txn="4200000020", amount=Decimal("12.50"), paid_at=order.created_at
    )
    outcomes = [payment_record(provider="wechat", notice=notice).outcome for _ in range(3)]
    assert outcomes == ["booked", "duplicate", "duplicate"]


def test_unreadable_key_file_is_a_503_for_the_provider_to_retry(
    inst_a: Any, branch: Branch, open_month: Month, providers: Keys, settings: Any
) -> None:
    settings.DUES_WECHAT_PLATFORM_KEY_FILE = "/nonexistent/platform.pem"
    assert post_wechat(inst_a, *wechat_callback("D1", "4200000030", 100)).status_code == 503
    assert not Mismatch.objects.exists()
