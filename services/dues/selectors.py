"""Reads of the dues ledger (docs/dues.md): the one definition of what a member owes for a month
and of a branch's collection rate. Balances are sums over ``Entry`` rows, never stored totals.

For a member and a dues month:
- ``billed``: bills, and reversals of bills (a corrected bill is a reversal plus a new bill);
- ``paid``: payments net of refunds, and reversals of either;
- ``reduced``: approved reductions and exemptions, and their reversals;
- ``outstanding = billed - paid - reduced``. Voluntary payments pay no bill and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, DecimalField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from services.members.models import Member

from .models import Entry, Month

ZERO = Decimal("0.00")
PAID_KINDS = (Entry.Kind.PAYMENT, Entry.Kind.REFUND)


def _part(kinds: Iterable[str], *, sign: int) -> Sum:
    """The sum of the entries of ``kinds`` and of the reversals of such entries, times ``sign``."""
    kinds = list(kinds)
    matches = Q(kind__in=kinds) | Q(kind=Entry.Kind.REVERSAL, corrects__kind__in=kinds)
    amount = Case(When(matches, then="amount"), default=Value(ZERO), output_field=DecimalField())
    return Sum(amount * sign, default=ZERO)


@dataclass(frozen=True)
class MonthLine:
    year: int
    month: int
    billed: Decimal
    paid: Decimal
    reduced: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.billed - self.paid - self.reduced

    @property
    def settled(self) -> bool:
        return self.outstanding <= 0


def month_totals(entries: QuerySet[Entry]) -> Any:
    """Per member and dues month: billed, paid and reduced (one grouped query)."""
    return (
        entries.exclude(kind=Entry.Kind.VOLUNTARY)
        .values("member_id", "year", "month")
        .annotate(
            billed=_part([Entry.Kind.BILL], sign=1),
            paid=_part(PAID_KINDS, sign=-1),
            reduced=_part([Entry.Kind.REDUCTION], sign=-1),
        )
        .order_by("member_id", "year", "month")
    )


def _line(row: dict[str, Any]) -> MonthLine:
    return MonthLine(
        year=row["year"], month=row["month"], billed=row["billed"], paid=row["paid"], reduced=row["reduced"]
    )


def member_months(member: Member, *, year: int | None = None) -> list[MonthLine]:
    """The member's months, oldest first (one query)."""
    entries = Entry.objects.filter(member=member)
    if year is not None:
        entries = entries.filter(year=year)
    return [_line(row) for row in month_totals(entries)]


def outstanding_months(member_ids: Iterable[int] | None = None) -> dict[int, list[tuple[int, int]]]:
    """Per member, the months whose bill is not fully paid or reduced, oldest first (one query)."""
    entries = Entry.objects.all()
    if member_ids is not None:
        entries = entries.filter(member_id__in=list(member_ids))
    unpaid: dict[int, list[tuple[int, int]]] = {}
    for row in month_totals(entries):
        if _line(row).outstanding > 0:
            unpaid.setdefault(row["member_id"], []).append((row["year"], row["month"]))
    return unpaid


def _index(year: int, month: int) -> int:
    return year * 12 + month - 1


def trailing_unpaid(months: Iterable[tuple[int, int]], *, through: tuple[int, int]) -> int:
    """How many consecutive unpaid months end at ``through`` (0 when ``through`` is paid)."""
    present = {_index(y, m) for y, m in months}
    count, cursor = 0, _index(*through)
    while cursor in present:
        count += 1
        cursor -= 1
    return count


@dataclass(frozen=True)
class Collection:
    """A unit's collection for a month or a year: money and members (``rate`` is None when
    nothing was due)."""

    unit_id: int
    billed: Decimal
    paid: Decimal
    reduced: Decimal
    members_billed: int  # member-months billed
    members_settled: int  # of those, paid or reduced in full

    @property
    def due(self) -> Decimal:
        return self.billed - self.reduced

    @property
    def rate(self) -> Decimal | None:
        """Paid over what was due after reductions, as a percentage with one decimal."""
        if self.due <= 0:
            return None
        return (min(self.paid, self.due) * 100 / self.due).quantize(Decimal("0.1"))


_PER_MONTH_SQL = """
WITH per_month AS (
    SELECT e.member_id, e.year, e.month,
        SUM(CASE WHEN e.kind = 'bill' OR (e.kind = 'reversal' AND c.kind = 'bill') THEN e.amount ELSE 0 END) AS billed,
        SUM(CASE WHEN e.kind IN ('payment', 'refund') OR (e.kind = 'reversal' AND c.kind IN ('payment', 'refund'))
                 THEN -e.amount ELSE 0 END) AS paid,
        SUM(CASE WHEN e.kind = 'reduction' OR (e.kind = 'reversal' AND c.kind = 'reduction')
                 THEN -e.amount ELSE 0 END) AS reduced
    FROM dues_entry e LEFT JOIN dues_entry c ON c.id = e.corrects_id
    WHERE e.kind <> 'voluntary' AND e.year = %(year)s AND (%(month)s::int IS NULL OR e.month = %(month)s::int)
    GROUP BY e.member_id, e.year, e.month
)
SELECT b.unit_id, {month} SUM(p.billed), SUM(p.paid), SUM(p.reduced), COUNT(*),
       COUNT(*) FILTER (WHERE p.billed - p.paid - p.reduced <= 0)
FROM per_month p
JOIN dues_entry b ON b.member_id = p.member_id AND b.year = p.year AND b.month = p.month
     AND b.kind = 'bill' AND b.corrects_id IS NULL
WHERE (%(units)s::bigint[] IS NULL OR b.unit_id = ANY(%(units)s::bigint[]))
GROUP BY b.unit_id {by_month}
"""
# Every entry of a member-month counts for the unit of that month's first bill (the branch the
# member was in when billed), so a transfer inside the institution does not move past figures.
COLLECTION_SQL = _PER_MONTH_SQL.format(month="", by_month="")
# The same, per month of the year: one statement for the twelve months (the committee's trend).
COLLECTION_BY_MONTH_SQL = _PER_MONTH_SQL.format(month="p.month,", by_month=", p.month")


def _collections(rows: Iterable[tuple[Any, ...]]) -> list[Collection]:
    return [
        Collection(
            unit_id=unit_id, billed=billed, paid=paid, reduced=reduced, members_billed=count, members_settled=settled
        )
        for unit_id, billed, paid, reduced, count, settled in rows
    ]


def collection(*, year: int, month: int | None = None, unit_ids: Iterable[int] | None = None) -> list[Collection]:
    """The collection of each unit (of ``unit_ids``, or all) for a month, or for the year when
    ``month`` is None: the one definition the pages, the disclosure and the committee's figure use."""
    units = None if unit_ids is None else list(unit_ids)
    with connection.cursor() as cursor:
        cursor.execute(COLLECTION_SQL, {"year": year, "month": month, "units": units})
        return _collections(cursor.fetchall())


def collection_by_month(*, year: int) -> dict[int, list[Collection]]:
    """``collection`` of every unit for each month of ``year`` that has bills, in one statement
    (the year's collection is the sum of its months: every count and sum is per member-month)."""
    with connection.cursor() as cursor:
        cursor.execute(COLLECTION_BY_MONTH_SQL, {"year": year, "month": None, "units": None})
        rows = cursor.fetchall()
    months: dict[int, list[tuple[Any, ...]]] = {}
    for unit_id, month, *rest in rows:
        months.setdefault(month, []).append((unit_id, *rest))
    return {month: _collections(found) for month, found in sorted(months.items())}


def open_month_for_booking() -> Month:
    """The month new entries are booked in: the latest open one."""
    month = Month.objects.filter(status=Month.Status.OPEN).order_by("-year", "-month").first()
    if month is None:
        raise ValidationError(_("当前没有收缴中的党费月份，请先开启本月党费收缴。"), code="no_open_month")
    return month
