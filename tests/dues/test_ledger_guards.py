"""The ledger is append-only in the database itself: raw SQL cannot change or delete an entry or a
use line, nothing can be booked into a closed month, and a closed month or year never reopens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from services.dues.models import Entry, Month, UseEntry

from .conftest import Branch

pytestmark = pytest.mark.django_db


def bill(branch: Branch, month: Month, amount: str = "10.00", index: int = 3) -> Entry:
    member = branch.members[index]
    return Entry.objects.create(
        member=member,
        unit=branch.unit,
        kind=Entry.Kind.BILL,
        year=month.year,
        month=month.month,
        booked=month,
        amount=Decimal(amount),
    )


def refused(sql: str, params: list[object]) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


def test_an_entry_cannot_be_updated_or_deleted_by_raw_sql(branch: Branch, open_month: Month) -> None:
    entry = bill(branch, open_month)
    assert "只能追加" in refused("UPDATE dues_entry SET amount = 0 WHERE id = %s", [entry.pk])
    assert "只能追加" in refused("DELETE FROM dues_entry WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.amount == Decimal("10.00")


def test_a_use_line_cannot_be_changed(branch: Branch) -> None:
    line = UseEntry.objects.create(
        unit=branch.unit, spent_on=date(2026, 11, 3), purpose="training", amount=Decimal("300"), description="培训"
    )
    assert "只能追加" in refused("UPDATE dues_useentry SET amount = 1 WHERE id = %s", [line.pk])


def test_nothing_is_booked_into_a_closed_month_and_it_never_reopens(branch: Branch, open_month: Month) -> None:
    bill(branch, open_month)
    Month.objects.filter(pk=open_month.pk).update(status=Month.Status.CLOSED)
    with pytest.raises(DatabaseError, match="已结账"), transaction.atomic():
        bill(branch, open_month, "5.00", index=4)
    assert "不能重新打开" in refused("UPDATE dues_month SET status = 'open' WHERE id = %s", [open_month.pk])
    with pytest.raises(IntegrityError), transaction.atomic():  # a year closes only closed months
        Month.objects.create(year=2026, month=12, year_closed=True)
    Month.objects.filter(pk=open_month.pk).update(year_closed=True)
    assert "年度" in refused("UPDATE dues_month SET year_closed = false WHERE id = %s", [open_month.pk])
    assert "不能删除" in refused("DELETE FROM dues_month WHERE id = %s", [open_month.pk])


def test_signs_follow_the_kind_and_one_bill_per_member_and_month(branch: Branch, open_month: Month) -> None:
    bill(branch, open_month)
    with pytest.raises(IntegrityError), transaction.atomic():
        bill(branch, open_month, "3.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            member=branch.members[3],
            unit=branch.unit,
            kind=Entry.Kind.PAYMENT,
            year=2026,
            month=11,
            booked=open_month,
            amount=Decimal("10.00"),
        )
    assert Entry.objects.filter(member=branch.members[3]).count() == 1
