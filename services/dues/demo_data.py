"""Demo data of the dues month and ledger: a base for the members (employed at bases from 2,000
to 15,000 yuan, one exactly 3,000.00; some retirees and annual-salary earners; students at the
flat amount; one member left without a base, listed as such), the months 2026-06 to 2026-11
opened through the service, most bills paid (by cash and bank transfer, each with its receipt
number), 2026-06 to 2026-10 closed and 2026-11 still collecting. One member of the demo
secretary's branch (not the demo member) has paid none of the six months; the demo member has
not paid 2026-11 yet, to pay it in the demo. 2026-12 is left for the commissioner to open.

Idempotent: nothing is added once any month exists. Bills go through ``open_month`` (one insert
a month); the payments, which a commissioner would have recorded one by one, are written in one
insert a month as the service writes them.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from services.accounts.models import User
from services.members.models import Member

from .models import Base, Category, Entry, Month
from .months import close_month, open_month

MONTHS = [(2026, month) for month in range(6, 12)]
PAID_SHARE = 0.93


def _bases(members: list[Member], rng: random.Random, *, without: int | None) -> None:
    rows = []
    exact = True
    for member in members:
        if member.pk == without:
            continue
        if member.category == Member.Category.STUDENT:
            rows.append(Base(member=member, category=Category.STUDENT, starts_on=date(2026, 1, 1)))
            continue
        if exact:  # a base exactly at the first bound: 0.5 %, not 1 %
            category, base, exact = Category.EMPLOYED, Decimal("3000.00"), False
        elif member.category == Member.Category.RETIREE or rng.random() < 0.1:
            category, base = Category.RETIREE, Decimal(rng.randrange(30, 90) * 100)
        elif rng.random() < 0.05:
            category, base = Category.ANNUAL_SALARY, Decimal(rng.randrange(150, 300) * 100)
        else:
            category, base = Category.EMPLOYED, Decimal(rng.randrange(20, 150) * 100) + Decimal("0.50")
        rows.append(Base(member=member, category=category, monthly_base=base, starts_on=date(2026, 1, 1)))
    Base.objects.bulk_create(rows)


def _pay(month: Month, rng: random.Random, *, never: set[int]) -> None:
    bills = Entry.objects.filter(kind=Entry.Kind.BILL, year=month.year, month=month.month).order_by("pk")
    payments = []
    for number, bill in enumerate(bills, start=1):
        if bill.member_id in never or bill.amount == 0 or rng.random() > PAID_SHARE:
            continue
        cash = rng.random() < 0.6
        payments.append(
            Entry(
                member_id=bill.member_id,
                unit_id=bill.unit_id,
                kind=Entry.Kind.PAYMENT,
                year=month.year,
                month=month.month,
                booked=month,
                amount=-bill.amount,
                method=Entry.Method.CASH if cash else Entry.Method.BANK,
                reference=f"{'SJ' if cash else 'YH'}{month.year}{month.month:02d}{number:04d}",
            )
        )
    Entry.objects.bulk_create(payments, batch_size=2000)


def _arrears_member(demo_member: Member | None) -> Member | None:
    """A member of the demo secretary's branch, with no account, who has paid nothing since June."""
    secretary = Member.objects.filter(user__username="secretary").first()
    if secretary is None:
        return None
    exclude = [demo_member.pk] if demo_member else []
    return (
        Member.objects.filter(branch_id=secretary.branch_id, status=Member.Status.NORMAL, user__isnull=True)
        .exclude(pk__in=exclude)
        .exclude(category=Member.Category.STUDENT)
        .order_by("pk")
        .first()
    )


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    if Month.objects.exists():
        return
    members = list(Member.objects.order_by("pk"))
    if not members:
        return
    demo_user = User.objects.filter(username="member").first()
    demo_member = getattr(demo_user, "member", None) if demo_user else None
    arrears = _arrears_member(demo_member)
    teachers = [m for m in members if m.category != Member.Category.STUDENT and m.pk != getattr(arrears, "pk", None)]
    without = teachers[-1].pk if teachers else None
    _bases(members, rng, without=without)
    never = {arrears.pk} if arrears else set()
    previous: Month | None = None
    for year, number in MONTHS:
        month = open_month(acting_user=None, year=year, month=number).month
        if previous is not None:
            close_month(acting_user=None, month=previous)
        last = (year, number) == MONTHS[-1]
        _pay(month, rng, never=never | ({demo_member.pk} if demo_member and last else set()))
        previous = month
