"""Helpers of the part D tests: months, bills and payments written straight into the ledger (the
month opening and the payment services are other parts' and are tested there)."""

from __future__ import annotations

from decimal import Decimal

from services.dues.models import Entry, Month
from services.members.models import Member


def months(year: int, first: int, last: int) -> dict[int, Month]:
    return {m: Month.objects.get_or_create(year=year, month=m)[0] for m in range(first, last + 1)}


def bill(member: Member, month: Month, amount: str = "10.00", category: str = "employed") -> Entry:
    return Entry.objects.create(
        member=member,
        unit=member.branch,
        kind=Entry.Kind.BILL,
        year=month.year,
        month=month.month,
        booked=month,
        amount=Decimal(amount),
        basis={"category": category, "amount": amount},
    )


def pay(member: Member, month: Month, amount: str = "10.00") -> Entry:
    return Entry.objects.create(
        member=member,
        unit=member.branch,
        kind=Entry.Kind.PAYMENT,
        year=month.year,
        month=month.month,
        booked=month,
        amount=-Decimal(amount),
        method=Entry.Method.CASH,
        reference="R1",
    )
