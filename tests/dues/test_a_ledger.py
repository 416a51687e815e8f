"""Recording by the branch's managers: a payment must equal what is outstanding (the message names
both), needs a receipt number, is refused with an audit row for a member who no longer pays;
voluntary payments at the threshold are remitted upward; corrections are reversals booked in the
open month, never changes; a late payment for a closed month is booked in the open one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.audit.models import AuditEvent
from services.dues.ledger import entry_reverse, parse_yuan, payment_record, refund_record, voluntary_record
from services.dues.models import Base, Category, Entry, Month
from services.dues.months import close_month, open_month
from services.dues.selectors import member_months
from services.members.models import Member
from tests.factories import UserFactory

from .conftest import Branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(branch: Branch) -> Branch:
    """October and November opened: every member owes 40.00 a month (1 %) (base 4000.00)."""
    for member in [*branch.members, *branch.probationary]:
        Base.objects.create(
            member=member, category=Category.EMPLOYED, monthly_base=Decimal("4000.00"), starts_on=date(2026, 1, 1)
        )
    open_month(acting_user=branch.secretary, year=2026, month=10)
    open_month(acting_user=branch.secretary, year=2026, month=11)
    return branch


def pay(branch: Branch, member: Member, months: list[tuple[int, int]], amount: str, **extra: str) -> list[Entry]:
    fields = {"method": Entry.Method.CASH, "reference": "SJ-0001", **extra}
    return payment_record(acting_user=branch.secretary, member=member, months=months, amount=Decimal(amount), **fields)


def outstanding(member: Member, month: int) -> Decimal:
    return next(line.outstanding for line in member_months(member) if line.month == month)


def test_a_payment_for_several_months_settles_them_with_its_receipt_and_proxy(billed: Branch) -> None:
    member = billed.members[3]
    entries = pay(billed, member, [(2026, 10), (2026, 11)], "80.00", paid_by_name="家属代缴")
    assert [(e.month, e.amount) for e in entries] == [(10, Decimal("-40.00")), (11, Decimal("-40.00"))]
    assert {e.reference for e in entries} == {"SJ-0001"} and entries[0].paid_by_name == "家属代缴"
    assert all(e.booked.month == 11 for e in entries)  # the latest open month
    assert outstanding(member, 10) == outstanding(member, 11) == 0
    event = AuditEvent.objects.get(event="dues.payment_recorded")
    assert event.after["months"] == [[2026, 10], [2026, 11]] and event.after["amount"] == "80.00"


def test_an_amount_that_differs_is_refused_naming_both_amounts_with_an_audit_row(billed: Branch) -> None:
    member = billed.members[3]
    with pytest.raises(ValidationError) as caught:
        pay(billed, member, [(2026, 10), (2026, 11)], "30.00")
    assert "应交 80.00 元" in str(caught.value) and "实收 30.00 元" in str(caught.value)
    pay(billed, member, [(2026, 10)], "40.00")
    with pytest.raises(ValidationError, match="已交清"):
        pay(billed, member, [(2026, 10)], "40.00")  # paid twice
    assert not Entry.objects.filter(member=member, kind=Entry.Kind.PAYMENT, month=11).exists()
    assert AuditEvent.objects.filter(event="dues.payment_refused", after__reason="amount").count() == 2


def test_a_receipt_number_is_required_and_cash_or_bank_only(billed: Branch) -> None:
    with pytest.raises(ValidationError) as caught:
        pay(billed, billed.members[3], [(2026, 11)], "40.00", reference=" ", method="wechat")
    assert set(caught.value.message_dict) == {"reference", "method"}


def test_a_payment_for_a_transferred_out_member_is_refused_with_an_audit_row(billed: Branch) -> None:
    member = billed.members[4]
    Member.objects.filter(pk=member.pk).update(status=Member.Status.TRANSFERRED_OUT)
    member.refresh_from_db()
    with pytest.raises(ValidationError, match="已转出"):
        pay(billed, member, [(2026, 11)], "40.00")
    with pytest.raises(ValidationError, match="已转出"):
        voluntary_record(
            acting_user=billed.secretary, member=member, amount=Decimal("5.00"), method="cash", reference="R1"
        )
    refused = AuditEvent.objects.filter(event="dues.payment_refused", object_id=str(member.pk))
    assert refused.count() == 2 and refused.first().after["reason"] == "status"
    assert not Entry.objects.filter(member=member).exclude(kind=Entry.Kind.BILL).exists()


def test_someone_outside_the_branch_may_not_record(billed: Branch) -> None:
    with pytest.raises(PermissionDenied):
        payment_record(
            acting_user=UserFactory(), member=billed.members[3], months=[(2026, 11)], amount=Decimal("40.00"),
            method="cash", reference="R",
        )  # fmt: skip


def test_voluntary_payments_are_remitted_upward_from_exactly_the_threshold(billed: Branch) -> None:
    def give(amount: str) -> Entry:
        return voluntary_record(
            acting_user=billed.secretary, member=billed.members[5], amount=Decimal(amount), method="bank",
            reference="YH-1",
        )  # fmt: skip

    below, at = give("999.99"), give("1000.00")
    assert (below.remit_upward, at.remit_upward) == (False, True)
    assert at.amount == Decimal("-1000.00") and at.kind == Entry.Kind.VOLUNTARY
    assert outstanding(billed.members[5], 11) == Decimal("40.00")  # voluntary pays no bill


def test_a_reversal_and_a_corrected_bill_leave_the_right_balance(billed: Branch) -> None:
    member = billed.members[6]
    payment = pay(billed, member, [(2026, 10)], "40.00")[0]
    october = Month.objects.get(year=2026, month=10)
    close_month(acting_user=billed.secretary, month=october)
    bill = Entry.objects.get(member=member, kind=Entry.Kind.BILL, month=10)
    written = entry_reverse(
        acting_user=billed.secretary, entry=bill, reason="基数应为 3000 元", corrected_amount=Decimal("15.00")
    )
    reversal, corrected = written
    assert (reversal.amount, reversal.corrects_id, reversal.booked.month) == (Decimal("-40.00"), bill.pk, 11)
    assert (corrected.kind, corrected.amount, corrected.corrects_id) == (Entry.Kind.BILL, Decimal("15.00"), bill.pk)
    assert outstanding(member, 10) == Decimal("-25.00")  # paid 40.00 on a bill of 15.00
    with pytest.raises(ValidationError, match="已经冲正"):
        entry_reverse(acting_user=billed.secretary, entry=bill, reason="再次")
    with pytest.raises(ValidationError, match="超过"):
        refund_record(
            acting_user=billed.secretary, member=member, year=2026, month=10, amount=Decimal("26.00"), reason="多交"
        )
    refund = refund_record(
        acting_user=billed.secretary, member=member, year=2026, month=10, amount=Decimal("25.00"), reason="多交退回"
    )
    assert refund.booked.month == 11 and outstanding(member, 10) == 0
    entry_reverse(acting_user=billed.secretary, entry=payment, reason="收据作废")
    assert outstanding(member, 10) == Decimal("40.00")  # 15.00 billed; the payment reversed, the 25.00 refund stands
    assert Entry.objects.get(pk=bill.pk).amount == Decimal("40.00")  # never changed


def test_a_late_payment_for_a_closed_month_is_booked_in_the_open_one(billed: Branch) -> None:
    close_month(acting_user=billed.secretary, month=Month.objects.get(year=2026, month=10))
    entry = pay(billed, billed.members[3], [(2026, 10)], "40.00")[0]
    assert (entry.month, entry.booked.month) == (10, 11)
    close_month(acting_user=billed.secretary, month=Month.objects.get(year=2026, month=11))
    with pytest.raises(ValidationError, match="没有收缴中"):
        pay(billed, billed.members[4], [(2026, 11)], "40.00")


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", "大于 0"), ("0", "大于 0"), ("1000000.01", "1,000,000"), ("1.234", "分"), ("abc", "金额"), ("NaN", "金额")],
)
def test_typed_amounts_are_checked(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_yuan(typed)
    assert parse_yuan(" 1,000.5 ") == Decimal("1000.50")
