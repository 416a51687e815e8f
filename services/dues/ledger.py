"""Writes to the dues ledger by the branch's managers (the organization commissioner): cash and
bank-transfer payments with a receipt number, for one or several months of one member, paid by
the member or on their behalf (代缴); voluntary extra payments; refunds; corrections.

Nothing is updated or deleted. A payment must equal what is outstanding for the months it pays
(the message names both amounts); more than that is a voluntary payment, written as one. A
correction is a reversal (the negation of the entry, ``corrects`` naming it) booked in the
current open month, and for a wrong bill a corrected bill (kind bill, ``corrects`` the original).
Every write is booked in the latest open month (``selectors.open_month_for_booking``): a late payment for a
closed month is for that month but written in the open one.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.audit.services import audit_record
from services.members.models import Member
from services.organization.scope import require_manage
from services.rules.resolver import rule

from .audit_events import (
    EVENT_ENTRY_REVERSED,
    EVENT_PAYMENT_RECORDED,
    EVENT_PAYMENT_REFUSED,
    EVENT_REFUND_RECORDED,
    EVENT_VOLUNTARY_RECORDED,
)
from .models import Entry
from .months import NOT_BILLABLE_STATUSES, month_label
from .selectors import member_months, open_month_for_booking

FEN = Decimal("0.01")
MAX_YUAN = Decimal("1000000")
NOT_YOURS = gettext_lazy("您无权管理“%(unit)s”的党费。")
OFFLINE_METHODS = (Entry.Method.CASH, Entry.Method.BANK)


def parse_yuan(value: Any, *, field: str = "amount") -> Decimal:
    """An amount typed by a person: yuan to the fen, positive, at most 1,000,000."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请输入金额（元），如 12.50。")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("请输入金额（元），如 12.50。")})
    if amount <= 0:
        raise ValidationError({field: _("金额应大于 0。")})
    if amount > MAX_YUAN:
        raise ValidationError({field: _("金额不能超过 1,000,000 元。")})
    if amount != amount.quantize(FEN):
        raise ValidationError({field: _("金额最多精确到分（两位小数）。")})
    return amount.quantize(FEN)


def _require_member_pays(*, acting_user: Any, member: Member, months: Sequence[tuple[int, int]], amount: Any) -> None:
    """A member transferred out, stopped or deceased pays nothing here: refused, and the refusal
    audited (committed even though the write is refused)."""
    if member.status not in NOT_BILLABLE_STATUSES:
        return
    with transaction.atomic():
        audit_record(
            event=EVENT_PAYMENT_REFUSED,
            actor=acting_user,
            target=member,
            after={
                "reason": "status",
                "status": member.status,
                "months": [list(m) for m in months],
                "amount": str(amount),
            },
        )
    raise ValidationError(
        _("%(name)s的党籍状态为“%(status)s”，不能登记党费。")
        % {"name": member.name, "status": member.get_status_display()}
    )


def _require_receipt(method: str, reference: str) -> None:
    errors = {}
    if method not in OFFLINE_METHODS:
        errors["method"] = _("请选择现金或银行转账。")
    if not reference.strip():
        errors["reference"] = _("请填写凭证号（收据号或银行流水号）。")
    if errors:
        raise ValidationError(errors)


def _months(months: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    chosen = sorted({(int(y), int(m)) for y, m in months})
    if not chosen:
        raise ValidationError({"months": _("请选择要交纳的月份。")})
    return chosen


def payment_record(
    *,
    acting_user: Any,
    member: Member,
    months: Sequence[tuple[int, int]],
    amount: Decimal,
    method: str,
    reference: str,
    paid_by_name: str = "",
    note: str = "",
) -> list[Entry]:
    """Cash or a bank transfer for ``months`` of ``member``: ``amount`` must be exactly what is
    outstanding for them; one payment entry per month, booked in the open month."""
    require_manage(acting_user=acting_user, unit=member.branch, message=NOT_YOURS)
    chosen = _months(months)
    _require_member_pays(acting_user=acting_user, member=member, months=chosen, amount=amount)
    _require_receipt(method, reference)
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()  # one payment at a time
        booked = open_month_for_booking()
        due = _due(member, chosen)
        total = sum(due.values(), Decimal("0.00"))
        if total != amount:
            entries = None
        else:
            entries = _write_payments(member, due, booked, acting_user, method=method, reference=reference,
                                      paid_by_name=paid_by_name, note=note)  # fmt: skip
            audit_record(
                event=EVENT_PAYMENT_RECORDED,
                actor=acting_user,
                target=member,
                after={
                    "months": [list(m) for m in chosen],
                    "amount": str(amount),
                    "method": method,
                    "reference": reference.strip(),
                    "paid_by_name": paid_by_name.strip(),
                    "entries": [entry.pk for entry in entries],
                },
            )
    if entries is None:  # refused: the audit row is written on its own, outside the refused write
        with transaction.atomic():
            after = {"reason": "amount", "due": str(total), "amount": str(amount), "months": [list(m) for m in chosen]}
            audit_record(event=EVENT_PAYMENT_REFUSED, actor=acting_user, target=member, after=after)
        raise _mismatch(total, amount)
    return entries


def _due(member: Member, chosen: list[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
    """What is outstanding for each chosen month (refused when one has no bill)."""
    lines = {(line.year, line.month): line for line in member_months(member)}
    for month in chosen:
        if month not in lines:
            raise ValidationError({"months": _("%(month)s还没有应交记录。") % {"month": month_label(*month)}})
    return {month: max(lines[month].outstanding, Decimal("0.00")) for month in chosen}


def _write_payments(
    member: Member, due: dict[tuple[int, int], Decimal], booked: Any, acting_user: Any, **fields: str
) -> list[Entry]:
    return Entry.objects.bulk_create(
        Entry(
            member=member,
            unit_id=member.branch_id,
            kind=Entry.Kind.PAYMENT,
            year=year,
            month=month,
            booked=booked,
            amount=-owed,
            method=fields["method"],
            reference=fields["reference"].strip(),
            paid_by_name=fields["paid_by_name"].strip(),
            note=fields["note"].strip(),
            created_by=acting_user,
        )
        for (year, month), owed in due.items()
        if owed > 0
    )


def _mismatch(due: Decimal, amount: Decimal) -> ValidationError:
    if due == 0:
        message = _("所选月份已交清（应交 0.00 元），实收 %(amount)s 元；多交的部分请登记为自愿多交党费。")
    else:
        message = _("所选月份应交 %(due)s 元，实收 %(amount)s 元，金额不符；多交的部分请另行登记为自愿多交党费。")
    return ValidationError({"amount": message % {"due": due, "amount": amount}})


def voluntary_record(
    *,
    acting_user: Any,
    member: Member,
    amount: Decimal,
    method: str,
    reference: str,
    paid_by_name: str = "",
    note: str = "",
) -> Entry:
    """A voluntary extra payment (自愿多交): outside the balance; a single one at or above the rule
    ``dues.voluntary_remit_yuan`` is flagged to be remitted upward in full."""
    require_manage(acting_user=acting_user, unit=member.branch, message=NOT_YOURS)
    _require_member_pays(acting_user=acting_user, member=member, months=[], amount=amount)
    _require_receipt(method, reference)
    threshold = Decimal(str(rule("dues.voluntary_remit_yuan", on=timezone.localdate()).value))
    with transaction.atomic():
        booked = open_month_for_booking()
        entry = Entry.objects.create(
            member=member,
            unit_id=member.branch_id,
            kind=Entry.Kind.VOLUNTARY,
            year=booked.year,
            month=booked.month,
            booked=booked,
            amount=-amount,
            method=method,
            reference=reference.strip(),
            paid_by_name=paid_by_name.strip(),
            remit_upward=amount >= threshold,
            note=note.strip(),
            created_by=acting_user,
        )
        after = {"amount": str(amount), "remit_upward": entry.remit_upward, "reference": entry.reference}
        audit_record(event=EVENT_VOLUNTARY_RECORDED, actor=acting_user, target=entry, after=after)
    return entry


def refund_record(
    *, acting_user: Any, member: Member, year: int, month: int, amount: Decimal, reason: str, reference: str = ""
) -> Entry:
    """Money paid back to the member for one month: at most what was paid for it beyond its bill."""
    require_manage(acting_user=acting_user, unit=member.branch, message=NOT_YOURS)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写退款原因。")})
    with transaction.atomic():
        booked = open_month_for_booking()
        line = next((x for x in member_months(member, year=year) if x.month == month), None)
        credit = max(-line.outstanding, Decimal("0.00")) if line is not None else Decimal("0.00")
        if credit < amount:
            raise ValidationError(
                {"amount": _("%(month)s多交 %(credit)s 元，退款 %(amount)s 元超过了多交的金额。")
                 % {"month": month_label(year, month), "credit": credit, "amount": amount}}
            )  # fmt: skip
        entry = Entry.objects.create(
            member=member, unit_id=member.branch_id, kind=Entry.Kind.REFUND, year=year, month=month, booked=booked,
            amount=amount, reference=reference.strip(), note=reason.strip(), created_by=acting_user,
        )  # fmt: skip
        after = {"year": year, "month": month, "amount": str(amount), "reason": reason.strip()}
        audit_record(event=EVENT_REFUND_RECORDED, actor=acting_user, target=entry, after=after)
    return entry


def entry_reverse(
    *, acting_user: Any, entry: Entry, reason: str, corrected_amount: Decimal | None = None
) -> list[Entry]:
    """A correction: the reversal of ``entry`` booked in the open month, and for a bill with
    ``corrected_amount`` the corrected bill. Returns the entries written."""
    require_manage(acting_user=acting_user, unit=entry.unit, message=NOT_YOURS)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写冲正原因。")})
    if entry.kind == Entry.Kind.REVERSAL:
        raise ValidationError(_("冲正记录不能再冲正。"))
    if corrected_amount is not None and entry.kind != Entry.Kind.BILL:
        raise ValidationError({"corrected_amount": _("只有应交记录可以更正金额。")})
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.corrections.filter(kind=Entry.Kind.REVERSAL).exists():
            raise ValidationError(_("这条记录已经冲正过。"))
        booked = open_month_for_booking()
        common = {"member_id": entry.member_id, "unit_id": entry.unit_id, "year": entry.year, "month": entry.month}
        written = [
            Entry.objects.create(
                **common, kind=Entry.Kind.REVERSAL, booked=booked, amount=-entry.amount, corrects=entry,
                method=entry.method, reference=entry.reference, note=reason.strip(), created_by=acting_user,
            )
        ]  # fmt: skip
        if corrected_amount is not None:
            basis = {**entry.basis, "corrected": str(corrected_amount), "reason": reason.strip()}
            written.append(
                Entry.objects.create(
                    **common, kind=Entry.Kind.BILL, booked=booked, amount=corrected_amount, corrects=entry,
                    basis=basis, note=reason.strip(), created_by=acting_user,
                )
            )  # fmt: skip
        after = {
            "entry": entry.pk,
            "kind": entry.kind,
            "amount": str(entry.amount),
            "written": [e.pk for e in written],
            "corrected_amount": None if corrected_amount is None else str(corrected_amount),
            "reason": reason.strip(),
        }
        audit_record(event=EVENT_ENTRY_REVERSED, actor=acting_user, target=entry, after=after)
    return written
