"""The dues month (docs/dues.md "The month and the ledger"): opening one writes every billable
member's bill from the rules, closing it locks it for good, closing the year locks the twelve.

Order: months open one after another with no gap (the first month the institution opens may be
any), and at most two are open at once: the next month can be opened while the last one is still
collecting, but not while the one before it is still open (close it first). Months close in
order too. Payments and corrections are booked in the latest open month
(``selectors.open_month_for_booking``).

Opening is set-based: one query for the billable members, one for their bases (``DISTINCT ON``),
the amounts computed from one ``Tariff``, one INSERT of every bill (``insert_many``) and one audit
row for the month. A member with no base whose category needs one is listed, never guessed.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.kernel.bulk import insert_many
from services.members.models import Member
from services.organization.scope import scope_for

from .audit_events import EVENT_MONTH_BILLED, EVENT_MONTH_CLOSED, EVENT_MONTH_OPENED, EVENT_YEAR_CLOSED
from .calculation import MissingBase, Tariff
from .models import Category, Entry, Month
from .reductions import reductions_book_with_bills

# Who pays dues: every member on the rolls (第八条: a probationary member from the month of the
# admission meeting, ``joined_on``). Transferred out, stopped and deceased members are not billed.
BILLABLE_STATUSES = (
    Member.Status.NORMAL,
    Member.Status.PROBATIONARY,
    Member.Status.MOBILE,
    Member.Status.ABROAD,
    Member.Status.RETAINED,
    Member.Status.LOST_CONTACT,
)
NOT_BILLABLE_STATUSES = (Member.Status.TRANSFERRED_OUT, Member.Status.STOPPED, Member.Status.DECEASED)


def month_label(year: int, month: int) -> str:
    return _("%(year)s年%(month)s月") % {"year": year, "month": month}


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def previous(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def following(year: int, month: int) -> tuple[int, int]:
    return (year, month + 1) if month < 12 else (year + 1, 1)


def can_run_months(user: Any) -> bool:
    """Opening and closing months is the institution's: those who manage its committee (the
    institution's administrators, the committee's secretary and organization commissioner: a
    managed unit at the top of the tree); None is the system itself."""
    if user is None:  # the system itself (demo seeding, a task)
        return True
    scope = scope_for(user)
    return scope.everything or any(path.count(".") == 1 for path in scope.managed_paths)


def require_run_months(user: Any) -> None:
    if not can_run_months(user):
        raise PermissionDenied(_("只有党委组织委员和学校管理员可以开账、结账。"))


@dataclass
class Billing:
    """What opening (or 补开) a month did."""

    month: Month
    bills: int = 0
    amount: Decimal = Decimal("0.00")
    missing_base: list[Member] = field(default_factory=list)
    reduced: int = 0  # bills reduced or exempted by an approved reduction

    def audit(self) -> dict[str, Any]:
        return {
            "year": self.month.year,
            "month": self.month.month,
            "bills": self.bills,
            "amount": str(self.amount),
            "reduced": self.reduced,
            "missing_base": [member.pk for member in self.missing_base],
        }


@dataclass(frozen=True)
class Billable:
    pk: int
    branch_id: int
    category: str


def _billable(
    year: int, month: int, *, exclude: set[int] | frozenset[int] = frozenset(), unit_id: int | None = None
) -> list[Billable]:
    """The members billed for the month: a billable status, and admitted by its last day (plain
    rows, not model instances: 20,000 instances were a third of an opening's time)."""
    until = last_day(year, month)
    rows = Member.objects.filter(status__in=BILLABLE_STATUSES).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=until)
    )
    if unit_id is not None:
        rows = rows.filter(branch_id=unit_id)
    values = rows.order_by("pk").values_list("pk", "branch_id", "category")
    return [Billable(*row) for row in values if row[0] not in exclude]


def bases_in_force(first: date, *, member_ids: list[int] | None = None) -> dict[int, tuple[str, Decimal | None]]:
    """Every member's (or ``member_ids``') base in force in the month starting ``first``: one query."""
    sql = "SELECT DISTINCT ON (member_id) member_id, category, monthly_base FROM dues_base WHERE starts_on <= %s"
    params: list[Any] = [first]
    if member_ids is not None:
        sql += " AND member_id = ANY(%s)"
        params.append(member_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY member_id, starts_on DESC", params)
        return {member_id: (category, base) for member_id, category, base in cursor.fetchall()}


def _write_bills(month: Month, members: list[Billable], acting_user: Any) -> Billing:
    first = date(month.year, month.month, 1)
    tariff = Tariff.on(first)
    bases = bases_in_force(first)
    billing = Billing(month=month)
    missing: list[int] = []
    member_ids: list[int] = []
    unit_ids: list[int] = []
    amounts: list[Decimal] = []
    bases_used: list[dict[str, Any]] = []
    for member in members:
        category, base = bases.get(member.pk, (None, None))
        if category is None and member.category == Member.Category.STUDENT:
            category = Category.STUDENT
        try:
            if category is None:
                raise MissingBase(member.category)
            amount = tariff.amount(category, base)
        except MissingBase:
            missing.append(member.pk)
            continue
        member_ids.append(member.pk)
        unit_ids.append(member.branch_id)
        amounts.append(amount.amount)
        bases_used.append(amount.basis)
        billing.amount += amount.amount
    insert_many(
        Entry,
        constants={
            "kind": Entry.Kind.BILL,
            "year": month.year,
            "month": month.month,
            "booked": month.pk,
            "created_by": getattr(acting_user, "pk", None),
        },
        columns={"member": member_ids, "unit": unit_ids, "amount": amounts, "basis": bases_used},
    )
    billing.bills = len(member_ids)
    # Approved reductions and exemptions covering the month are booked with its bills.
    billing.reduced = len(
        reductions_book_with_bills(
            month, list(zip(member_ids, unit_ids, amounts, strict=True)), acting_user=acting_user
        )
    )
    billing.missing_base = list(Member.objects.filter(pk__in=missing).order_by("pk")) if missing else []
    return billing


def _require_may_open(year: int, month: int) -> None:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError(_("请选择有效的年份和月份。"))
    if Month.objects.filter(year=year, month=month).exists():
        raise ValidationError(
            _("%(month)s已经开账，不能重复开账；新增党员请用“补开”。") % {"month": month_label(year, month)}
        )
    latest = Month.objects.order_by("-year", "-month").first()
    if latest is None:
        return
    if (latest.year, latest.month) > (year, month):
        raise ValidationError(_("%(month)s早于已开账的月份，不能再开账。") % {"month": month_label(year, month)})
    if (latest.year, latest.month) != previous(year, month):
        expected = following(latest.year, latest.month)
        raise ValidationError(_("党费月份须按顺序开账，请先开%(month)s。") % {"month": month_label(*expected)})
    earlier = previous(latest.year, latest.month)
    if Month.objects.filter(year=earlier[0], month=earlier[1], status=Month.Status.OPEN).exists():
        raise ValidationError(_("请先结账%(month)s，再开新的月份。") % {"month": month_label(*earlier)})


def _lock_months() -> None:
    """One opening at a time in this institution (two requests for the same month: one wins)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.dues.months'))")


def open_month(*, acting_user: Any, year: int, month: int) -> Billing:
    """Open ``year``-``month``: one bill for every billable member, from the rules in force on
    its first day and each member's base in force that month."""
    require_run_months(acting_user)
    with transaction.atomic():
        _lock_months()
        _require_may_open(year, month)
        row = Month.objects.create(year=year, month=month, opened_by=acting_user)
        billing = _write_bills(row, _billable(year, month), acting_user)
        audit_record(event=EVENT_MONTH_OPENED, actor=acting_user, target=row, after=billing.audit())
    return billing


def bill_missing(*, acting_user: Any, month: Month) -> Billing:
    """补开: bill the billable members of an open month who have no bill yet (added since, or
    given a base since)."""
    require_run_months(acting_user)
    with transaction.atomic():
        month = Month.objects.select_for_update().get(pk=month.pk)
        if month.status != Month.Status.OPEN:
            raise ValidationError(_("%(month)s已结账，不能再补开。") % {"month": month_label(month.year, month.month)})
        billed = set(
            Entry.objects.filter(
                year=month.year, month=month.month, kind=Entry.Kind.BILL, corrects__isnull=True
            ).values_list("member_id", flat=True)
        )
        billing = _write_bills(month, _billable(month.year, month.month, exclude=billed), acting_user)
        audit_record(event=EVENT_MONTH_BILLED, actor=acting_user, target=month, after=billing.audit())
    return billing


def missing_base(month: Month, *, unit_id: int | None = None) -> list[Member]:
    """The billable members of the month (of a branch) with no bill because no base is on record."""
    billed = Entry.objects.filter(year=month.year, month=month.month, kind=Entry.Kind.BILL)
    if unit_id is not None:
        billed = billed.filter(member__branch_id=unit_id)
    exclude = set(billed.values_list("member_id", flat=True))
    unbilled = _billable(month.year, month.month, exclude=exclude, unit_id=unit_id)
    candidates = [member.pk for member in unbilled if member.category != Member.Category.STUDENT]
    bases = bases_in_force(date(month.year, month.month, 1), member_ids=candidates) if candidates else {}
    ids = [pk for pk in candidates if pk not in bases]
    return list(Member.objects.filter(pk__in=ids).order_by("pk")) if ids else []


def close_month(*, acting_user: Any, month: Month) -> Month:
    """Close ``month`` for good: nothing is booked into it afterwards (the database refuses too)."""
    require_run_months(acting_user)
    with transaction.atomic():
        month = Month.objects.select_for_update().get(pk=month.pk)
        label = month_label(month.year, month.month)
        if month.status != Month.Status.OPEN:
            raise ValidationError(_("%(month)s已经结账。") % {"month": label})
        earlier = Month.objects.filter(status=Month.Status.OPEN).filter(
            Q(year__lt=month.year) | Q(year=month.year, month__lt=month.month)
        )
        if earlier.exists():
            raise ValidationError(_("请先结账更早的月份，再结账%(month)s。") % {"month": label})
        month.status = Month.Status.CLOSED
        month.closed_at = timezone.now()
        month.closed_by = acting_user if getattr(acting_user, "pk", None) else None
        month.save(update_fields=["status", "closed_at", "closed_by"])
        totals = Entry.objects.filter(year=month.year, month=month.month).aggregate(
            billed=Sum("amount", filter=Q(kind=Entry.Kind.BILL)),
            paid=Sum("amount", filter=Q(kind=Entry.Kind.PAYMENT)),
        )
        after = {"year": month.year, "month": month.month, **{k: str(v or 0) for k, v in totals.items()}}
        audit_record(event=EVENT_MONTH_CLOSED, actor=acting_user, target=month, after=after)
    return month


def close_year(*, acting_user: Any, year: int) -> int:
    """Close the year: every one of its twelve months closed, then all locked together."""
    require_run_months(acting_user)
    with transaction.atomic():
        months = list(Month.objects.select_for_update().filter(year=year))
        closed = {m.month for m in months if m.status == Month.Status.CLOSED}
        if any(m.year_closed for m in months):
            raise ValidationError(_("%(year)s年度已经结账。") % {"year": year})
        waiting = [str(n) for n in range(1, 13) if n not in closed]
        if waiting:
            raise ValidationError(
                _("%(year)s年还有月份未结账（%(months)s月），不能年度结账。")
                % {"year": year, "months": "、".join(waiting)}
            )
        Month.objects.filter(year=year).update(year_closed=True)
        audit_record(event=EVENT_YEAR_CLOSED, actor=acting_user, after={"year": year})
    return len(months)
