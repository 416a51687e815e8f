"""The one definition of what a member owes per month and of a unit's collection rate: bills,
payments, refunds, reductions and reversals of each; voluntary payments pay no bill."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from services.dues.models import Entry, Month
from services.dues.selectors import (
    collection,
    member_months,
    open_month_for_booking,
    outstanding_months,
    trailing_unpaid,
)
from tests.factories import OrgUnitFactory

from .conftest import Branch

pytestmark = pytest.mark.django_db


def write(branch: Branch, month: Month, member_index: int, kind: str, amount: str, **fields: object) -> Entry:
    return Entry.objects.create(
        member=branch.members[member_index],
        unit=fields.pop("unit", branch.unit),
        kind=kind,
        year=fields.pop("year", month.year),
        month=fields.pop("month_no", month.month),
        booked=month,
        amount=Decimal(amount),
        **fields,
    )


def test_a_month_nets_bills_payments_reductions_and_reversals(branch: Branch, open_month: Month) -> None:
    bill = write(branch, open_month, 3, "bill", "30.00")
    payment = write(branch, open_month, 3, "payment", "-30.00")
    write(branch, open_month, 3, "voluntary", "-500.00")
    (line,) = member_months(branch.members[3])
    assert (line.billed, line.paid, line.reduced, line.outstanding) == (
        Decimal("30.00"),
        Decimal("30.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    # The payment was booked by mistake: reversed, the month is owed again.
    write(branch, open_month, 3, "reversal", "30.00", corrects=payment)
    (line,) = member_months(branch.members[3])
    assert line.paid == Decimal("0.00") and line.outstanding == Decimal("30.00")
    # The bill was wrong: reversed and billed again at 15.00, then a 15.00 reduction.
    write(branch, open_month, 3, "reversal", "-30.00", corrects=bill)
    write(branch, open_month, 3, "bill", "15.00", corrects=bill)
    write(branch, open_month, 3, "reduction", "-15.00")
    (line,) = member_months(branch.members[3])
    assert (line.billed, line.reduced, line.outstanding) == (Decimal("15.00"), Decimal("15.00"), Decimal("0.00"))
    assert line.settled


def test_outstanding_months_and_the_trailing_run(branch: Branch, open_month: Month) -> None:
    for month_no in (6, 7, 8, 9, 10, 11):
        write(branch, open_month, 4, "bill", "10.00", month_no=month_no)
    write(branch, open_month, 4, "payment", "-10.00", month_no=6)
    write(branch, open_month, 4, "payment", "-4.00", month_no=9)  # part-paid is still outstanding
    write(branch, open_month, 5, "bill", "0.20")
    unpaid = outstanding_months()
    assert unpaid[branch.members[4].pk] == [(2026, 7), (2026, 8), (2026, 9), (2026, 10), (2026, 11)]
    assert unpaid[branch.members[5].pk] == [(2026, 11)]
    assert outstanding_months([branch.members[5].pk]) == {branch.members[5].pk: [(2026, 11)]}
    assert trailing_unpaid(unpaid[branch.members[4].pk], through=(2026, 11)) == 5
    assert trailing_unpaid([(2025, 12), (2026, 1)], through=(2026, 1)) == 2
    assert trailing_unpaid([(2026, 10)], through=(2026, 11)) == 0


def test_collection_counts_each_month_for_the_unit_that_billed_it(branch: Branch, open_month: Month) -> None:
    other = OrgUnitFactory(name="第二党支部")
    write(branch, open_month, 3, "bill", "30.00")
    write(branch, open_month, 3, "payment", "-30.00", unit=other)  # paid after moving branch
    write(branch, open_month, 4, "bill", "10.00")
    write(branch, open_month, 5, "bill", "20.00")
    write(branch, open_month, 5, "reduction", "-20.00")
    write(branch, open_month, 6, "bill", "5.00", unit=other)
    figures = {c.unit_id: c for c in collection(year=2026, month=11)}
    mine = figures[branch.unit.pk]
    assert (mine.billed, mine.paid, mine.reduced) == (Decimal("60.00"), Decimal("30.00"), Decimal("20.00"))
    assert (mine.members_billed, mine.members_settled) == (3, 2)
    assert mine.rate == Decimal("75.0")  # 30 of the 40 due after the reduction
    assert figures[other.pk].rate == Decimal("0.0")
    assert [c.unit_id for c in collection(year=2026, unit_ids=[other.pk])] == [other.pk]
    assert collection(year=2026, month=10) == []


def test_booking_needs_an_open_month(branch: Branch) -> None:
    with pytest.raises(ValidationError, match="没有收缴中"):
        open_month_for_booking()
    Month.objects.create(year=2026, month=10)
    latest = Month.objects.create(year=2026, month=11)
    assert open_month_for_booking() == latest
