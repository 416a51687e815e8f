"""Reads of the month pages and exports: the months with their collection, a branch's month
sheet (each member's bill, what was paid, what is outstanding and how the bill was computed) and
a branch's year. Amounts come from ``selectors`` (the one definition of outstanding and of the
collection rate); this module only arranges them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import Scope

from .calculation import explain
from .models import Entry, Month
from .months import missing_base
from .selectors import ZERO, Collection, collection, month_totals

MONTHS_SHOWN = 24


@dataclass(frozen=True)
class MonthRow:
    month: Month
    billed: Decimal
    paid: Decimal
    reduced: Decimal
    rate: Decimal | None


def _sum(rows: list[Collection], unit_id: int = 0) -> Collection:
    return Collection(
        unit_id=unit_id,
        billed=sum((r.billed for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        reduced=sum((r.reduced for r in rows), ZERO),
        members_billed=sum(r.members_billed for r in rows),
        members_settled=sum(r.members_settled for r in rows),
    )


def managed_branches(scope: Scope) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(scope.units_q(manage=True), kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True)


def month_rows(scope: Scope) -> list[MonthRow]:
    """The latest months, each with the collection of the branches the user manages."""
    unit_ids = None if scope.everything else list(managed_branches(scope).values_list("pk", flat=True))
    rows = []
    for month in Month.objects.order_by("-year", "-month")[:MONTHS_SHOWN]:
        total = _sum(collection(year=month.year, month=month.month, unit_ids=unit_ids))
        rows.append(MonthRow(month=month, billed=total.billed, paid=total.paid, reduced=total.reduced, rate=total.rate))
    return rows


@dataclass(frozen=True)
class SheetLine:
    member_id: int
    name: str
    billed: Decimal
    paid: Decimal
    reduced: Decimal
    how: str
    entries: list[Entry]

    @property
    def outstanding(self) -> Decimal:
        return self.billed - self.paid - self.reduced


@dataclass(frozen=True)
class Sheet:
    unit: OrgUnit
    year: int
    month: int
    month_row: Month | None
    lines: list[SheetLine]
    missing: list[Member]

    @property
    def totals(self) -> dict[str, Decimal]:
        return {
            "billed": sum((x.billed for x in self.lines), ZERO),
            "paid": sum((x.paid for x in self.lines), ZERO),
            "reduced": sum((x.reduced for x in self.lines), ZERO),
            "outstanding": sum((x.outstanding for x in self.lines), ZERO),
        }


def _bill_basis(entries: list[Entry]) -> dict[str, Any]:
    """The basis of the bill in force: the latest bill not reversed."""
    reversed_ids = {e.corrects_id for e in entries if e.kind == Entry.Kind.REVERSAL}
    bills = [e for e in entries if e.kind == Entry.Kind.BILL and e.pk not in reversed_ids]
    return bills[-1].basis if bills else {}


def sheet(*, unit: OrgUnit, year: int, month: int) -> Sheet:
    """The branch's month: the members billed under it, and those left unbilled for want of a base."""
    entries = Entry.objects.filter(unit=unit, year=year, month=month)
    by_member: dict[int, list[Entry]] = {}
    for entry in entries.select_related("member").order_by("pk"):
        by_member.setdefault(entry.member_id, []).append(entry)
    lines = []
    for row in month_totals(entries):
        own = by_member[row["member_id"]]
        lines.append(
            SheetLine(
                member_id=row["member_id"],
                name=own[0].member.name,
                billed=row["billed"],
                paid=row["paid"],
                reduced=row["reduced"],
                how=explain(_bill_basis(own)),
                entries=own,
            )
        )
    lines.sort(key=lambda line: (line.name, line.member_id))
    month_row = Month.objects.filter(year=year, month=month).first()
    missing = []
    if month_row is not None and month_row.status == Month.Status.OPEN:
        missing = missing_base(month_row, unit_id=unit.pk)
    return Sheet(unit=unit, year=year, month=month, month_row=month_row, lines=lines, missing=missing)


def year_lines(*, unit: OrgUnit, year: int) -> list[dict[str, Any]]:
    """Per member of the branch's year: billed, paid, reduced and outstanding for each month."""
    rows = month_totals(Entry.objects.filter(unit=unit, year=year))
    names = dict(Member.objects.filter(pk__in={r["member_id"] for r in rows}).values_list("pk", "name"))
    result: dict[int, dict[str, Any]] = {}
    for row in rows:
        person = result.setdefault(row["member_id"], {"name": names.get(row["member_id"], ""), "months": {}})
        person["months"][row["month"]] = row
    return sorted(result.values(), key=lambda person: person["name"])
