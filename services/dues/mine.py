"""What a member reads about their own dues (我的党费): category and base, how the amount is
computed, what is due now, the months and the receipts. Only the caller's own record: nothing here
takes another member. What is owed comes from selectors.py (the one definition of it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from services.members.models import Member
from services.members.selectors import member_of

from . import selectors
from .bases import base_in_force, first_of_month
from .calculation import MissingBase, Tariff, explain
from .models import Base, Entry

RECEIPT_KINDS = (Entry.Kind.PAYMENT, Entry.Kind.VOLUNTARY, Entry.Kind.REFUND)
# Payments booked from an online order carry the order's number in ``note`` (payments/booking.py).
ONLINE_METHODS = (Entry.Method.WECHAT, Entry.Method.ALIPAY, Entry.Method.SANDBOX)
MONTHS_SHOWN = 36
RECEIPTS_SHOWN = 50


@dataclass(frozen=True)
class HistoryLine:
    line: selectors.MonthLine
    methods: list[str]  # how it was paid: the methods' labels


@dataclass(frozen=True)
class Receipt:
    """Money in (a payment, a voluntary payment) or back (a refund), as the member reads it."""

    entry: Entry
    amount: Decimal  # positive: what was paid (or refunded)
    order_no: str = ""  # an online payment's order (its page is the receipt)

    @classmethod
    def of(cls, entry: Entry) -> Receipt:
        online = entry.kind == Entry.Kind.PAYMENT and entry.method in ONLINE_METHODS
        return cls(entry=entry, amount=abs(entry.amount), order_no=entry.note if online else "")


@dataclass
class MyDues:
    member: Member | None
    base: Base | None = None
    amount: Decimal | None = None
    explanation: str = ""
    explained_by_bill: bool = False  # the explanation is a bill's stored basis (else: computed now)
    outstanding: list[selectors.MonthLine] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)

    @property
    def outstanding_total(self) -> Decimal:
        return sum((line.outstanding for line in self.outstanding), selectors.ZERO)


def my_member(*, acting_user: Any) -> Member | None:
    """The caller's own member record (None for an account without one)."""
    return member_of(acting_user)


def _explanation(member: Member, base: Base | None) -> tuple[Decimal | None, str, bool]:
    """The latest bill's stored basis when there is one, else this month's amount from the base."""
    bill = (
        Entry.objects.filter(member=member, kind=Entry.Kind.BILL).exclude(basis={}).order_by("-year", "-month", "-id")
    ).first()
    if bill is not None:
        return bill.amount, explain(bill.basis), True
    if base is None:
        return None, "", False
    try:
        amount = Tariff.on(first_of_month(timezone.localdate())).amount(base.category, base.monthly_base)
    except MissingBase:
        return None, "", False
    return amount.amount, amount.explain(), False


def _methods(member: Member) -> dict[tuple[int, int], list[str]]:
    labels = dict(Entry.Method.choices)
    found: dict[tuple[int, int], list[str]] = {}
    rows = Entry.objects.filter(member=member, kind=Entry.Kind.PAYMENT).values_list("year", "month", "method")
    for year, month, method in rows:
        label = str(labels.get(method, method))
        if label not in found.setdefault((year, month), []):
            found[(year, month)].append(label)
    return found


def my_dues(*, acting_user: Any) -> MyDues:
    """The caller's dues: base, explanation, what is due, the months (newest first), receipts."""
    member = my_member(acting_user=acting_user)
    if member is None:
        return MyDues(member=None)
    base = base_in_force(member=member, on=timezone.localdate())
    amount, explanation, by_bill = _explanation(member, base)
    lines = selectors.member_months(member)
    unpaid = set(selectors.outstanding_months([member.pk]).get(member.pk, []))
    methods = _methods(member)
    entries = Entry.objects.filter(member=member, kind__in=RECEIPT_KINDS).order_by("-created_at", "-id")
    receipts = [Receipt.of(entry) for entry in entries[:RECEIPTS_SHOWN]]
    return MyDues(
        member=member,
        base=base,
        amount=amount,
        explanation=explanation,
        explained_by_bill=by_bill,
        outstanding=[line for line in lines if (line.year, line.month) in unpaid],
        history=[HistoryLine(line, methods.get((line.year, line.month), [])) for line in reversed(lines)][
            :MONTHS_SHOWN
        ],
        receipts=receipts,
    )
