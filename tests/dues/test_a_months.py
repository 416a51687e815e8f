"""Opening a dues month writes one bill per billable member from the rules and each member's base
in force; statuses that do not pay, members not yet admitted and members with no base are left
out (the last listed); months open and close in order, once; a closed month takes no more bills."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from services.audit.models import AuditEvent
from services.dues.calculation import explain
from services.dues.models import Base, Category, Entry, Month
from services.dues.months import bill_missing, close_month, close_year, open_month
from services.kernel.bulk import insert_many
from services.members.models import Member
from tests.factories import MemberFactory, UserFactory

from .conftest import Branch

pytestmark = pytest.mark.django_db


def base(member: Member, amount: str | None, *, category: str = Category.EMPLOYED, on: date = date(2026, 1, 1)) -> Base:
    return Base.objects.create(
        member=member, category=category, monthly_base=None if amount is None else Decimal(amount), starts_on=on
    )


def bills(year: int = 2026, month: int = 11) -> dict[int, Entry]:
    return {e.member_id: e for e in Entry.objects.filter(kind=Entry.Kind.BILL, year=year, month=month)}


def give_bases(branch: Branch) -> None:
    for member in [*branch.members, *branch.probationary]:
        base(member, "4000.00")


def test_bills_follow_the_brackets_at_the_boundaries_and_the_base_in_force(branch: Branch) -> None:
    m = branch.members
    base(m[0], "3000.00")
    base(m[1], "3000.01")
    base(m[2], "5000.00")
    base(m[3], "10000.01")
    base(m[4], "6000.00", category=Category.RETIREE)
    base(m[5], None, category=Category.UNEMPLOYED)
    base(m[6], "2000.00")
    base(m[6], "9000.00", on=date(2026, 11, 1))  # a raise from November
    base(m[7], "9000.00", on=date(2026, 12, 1))  # from December only: October's base is missing
    base(m[7], "2500.00", on=date(2026, 6, 1))
    for member in branch.probationary:
        base(member, "1000.00")
    billing = open_month(acting_user=branch.secretary, year=2026, month=11)
    written = bills()
    amounts = {i: written[m[i].pk].amount for i in range(8)}
    assert amounts == {
        0: Decimal("15.00"),  # 3000.00 × 0.5 %: the bound is inclusive
        1: Decimal("30.00"),  # 3000.01 × 1 % = 30.0001 → 30.00
        2: Decimal("50.00"),
        3: Decimal("200.00"),
        4: Decimal("60.00"),  # retiree above 5000: 1 %
        5: Decimal("0.20"),
        6: Decimal("135.00"),
        7: Decimal("12.50"),
    }
    assert billing.bills == 10 and billing.missing_base == []
    assert "3000.00" in explain(written[m[0].pk].basis) and "0.5" in explain(written[m[0].pk].basis)
    assert written[m[0].pk].unit_id == branch.unit.pk
    assert written[m[0].pk].booked.year == 2026


def test_statuses_that_do_not_pay_and_probationary_members_from_their_admission_month(branch: Branch) -> None:
    give_bases(branch)
    gone = {
        status: MemberFactory(branch=branch.unit, status=status)
        for status in (Member.Status.TRANSFERRED_OUT, Member.Status.STOPPED, Member.Status.DECEASED)
    }
    paying = {
        status: MemberFactory(branch=branch.unit, status=status)
        for status in (Member.Status.MOBILE, Member.Status.ABROAD, Member.Status.RETAINED, Member.Status.LOST_CONTACT)
    }
    for member in [*gone.values(), *paying.values()]:
        base(member, "4000.00")
    admitted_late = branch.probationary[0]
    admitted_in_month = branch.probationary[1]
    Member.objects.filter(pk=admitted_late.pk).update(joined_on=date(2026, 12, 1))
    Member.objects.filter(pk=admitted_in_month.pk).update(joined_on=date(2026, 11, 30))
    open_month(acting_user=branch.secretary, year=2026, month=11)
    written = bills()
    assert not set(written) & {m.pk for m in gone.values()}
    assert {m.pk for m in paying.values()} <= set(written)
    assert admitted_in_month.pk in written and admitted_late.pk not in written


def test_a_missing_base_is_reported_not_guessed_and_students_pay_the_flat_amount(branch: Branch) -> None:
    give_bases(branch)
    no_base = MemberFactory(branch=branch.unit, name="没有基数")
    student = MemberFactory(branch=branch.unit, category=Member.Category.STUDENT)
    billing = open_month(acting_user=branch.secretary, year=2026, month=11)
    written = bills()
    assert [m.pk for m in billing.missing_base] == [no_base.pk]
    assert no_base.pk not in written
    assert written[student.pk].amount == Decimal("0.20")
    event = AuditEvent.objects.get(event="dues.month_opened")
    assert event.after["bills"] == 11 and event.after["missing_base"] == [no_base.pk]
    # 补开: once the base is entered the member is billed, the others are not billed twice
    base(no_base, "4000.00")
    added = bill_missing(acting_user=branch.secretary, month=billing.month)
    assert added.bills == 1 and bills()[no_base.pk].amount == Decimal("40.00")
    assert Entry.objects.filter(kind=Entry.Kind.BILL).count() == 12


def test_a_month_opens_once_in_order_and_only_for_the_committee(branch: Branch) -> None:
    give_bases(branch)
    open_month(acting_user=branch.secretary, year=2026, month=10)
    with pytest.raises(ValidationError, match="已经开账"):
        open_month(acting_user=branch.secretary, year=2026, month=10)
    with pytest.raises(ValidationError, match="按顺序"):
        open_month(acting_user=branch.secretary, year=2026, month=12)
    with pytest.raises(ValidationError, match="早于"):
        open_month(acting_user=branch.secretary, year=2026, month=9)
    open_month(acting_user=branch.secretary, year=2026, month=11)  # two open at once
    with pytest.raises(ValidationError, match="请先结账2026年10月"):
        open_month(acting_user=branch.secretary, year=2026, month=12)
    with pytest.raises(PermissionDenied):
        open_month(acting_user=UserFactory(), year=2026, month=12)
    assert Entry.objects.filter(year=2026, month=10).count() == 10


def test_close_refuses_later_writes_in_the_service_and_in_the_database(branch: Branch) -> None:
    give_bases(branch)
    october = open_month(acting_user=branch.secretary, year=2026, month=10).month
    november = open_month(acting_user=branch.secretary, year=2026, month=11).month
    with pytest.raises(ValidationError, match="更早的月份"):
        close_month(acting_user=branch.secretary, month=november)
    close_month(acting_user=branch.secretary, month=october)
    with pytest.raises(ValidationError, match="已经结账"):
        close_month(acting_user=branch.secretary, month=october)
    late = MemberFactory(branch=branch.unit)
    base(late, "4000.00")
    with pytest.raises(ValidationError, match="已结账，不能再补开"):
        bill_missing(acting_user=branch.secretary, month=october)
    with pytest.raises(DatabaseError, match="已结账"), transaction.atomic():
        Entry.objects.create(
            member=late, unit=branch.unit, kind=Entry.Kind.BILL, year=2026, month=10, booked=october,
            amount=Decimal("1.00"),
        )  # fmt: skip
    assert AuditEvent.objects.filter(event="dues.month_closed", object_id=str(october.pk)).exists()


def test_the_year_closes_when_its_twelve_months_are_closed(branch: Branch) -> None:
    for month in range(1, 12):
        Month.objects.create(year=2025, month=month, status=Month.Status.CLOSED)
    december = Month.objects.create(year=2025, month=12)
    with pytest.raises(ValidationError, match="12"):
        close_year(acting_user=branch.secretary, year=2025)
    close_month(acting_user=branch.secretary, month=december)
    assert close_year(acting_user=branch.secretary, year=2025) == 12
    assert Month.objects.filter(year=2025, year_closed=True).count() == 12
    with pytest.raises(ValidationError, match="已经结账"):
        close_year(acting_user=branch.secretary, year=2025)


def test_the_database_checks_every_row_of_a_bulk_insert_against_closed_months(branch: Branch) -> None:
    october = Month.objects.create(year=2026, month=10)
    november = Month.objects.create(year=2026, month=11)
    close_month(acting_user=branch.secretary, month=october)
    rows = {
        "member": [m.pk for m in branch.members[:2]],
        "unit": [branch.unit.pk] * 2,
        "booked": [november.pk, october.pk],
    }
    with pytest.raises(DatabaseError, match="已结账"), transaction.atomic():
        insert_many(
            Entry, constants={"kind": "bill", "year": 2026, "month": 10, "amount": Decimal("1.00")}, columns=rows
        )
    assert not Entry.objects.exists()
    insert_many(
        Entry, constants={"kind": "bill", "year": 2026, "month": 11, "amount": Decimal("1.00"), "booked": november.pk},
        columns={"member": rows["member"], "unit": rows["unit"]},
    )  # fmt: skip
    assert Entry.objects.count() == 2


def test_an_approved_reduction_is_booked_with_the_bills_of_a_month_opened_later(branch: Branch) -> None:
    from services.dues.models import Reduction
    from services.dues.selectors import member_months

    give_bases(branch)  # 4000.00: 40.00 a month
    exempt, reduced, waiting = branch.members[2], branch.members[3], branch.members[4]
    common = {"starts_on": date(2026, 11, 1), "ends_on": date(2027, 1, 1), "reason": "生活困难"}
    Reduction.objects.create(member=exempt, kind="exempt", status="approved", **common)
    Reduction.objects.create(
        member=reduced, kind="reduce", monthly_amount=Decimal("10.00"), status="approved", **common
    )
    Reduction.objects.create(member=waiting, kind="exempt", status="committee", **common)
    billing = open_month(acting_user=branch.secretary, year=2026, month=11)
    assert billing.reduced == 2 and billing.audit()["reduced"] == 2
    owed = {m.pk: member_months(m)[0].outstanding for m in (exempt, reduced, waiting)}
    assert owed == {exempt.pk: Decimal("0.00"), reduced.pk: Decimal("10.00"), waiting.pk: Decimal("40.00")}
    key = Entry.objects.get(member=reduced, kind=Entry.Kind.REDUCTION).idempotency_key
    assert key is not None and key.endswith(":2026-11")
