"""The use ledger (党费使用): what a unit's retained share of dues paid for — training, hardship
relief, activities, what was remitted upward. Append-only like the dues ledger (the database
refuses UPDATE and DELETE): a wrong line is corrected by a reversing line that names it
(``corrects``), then, if need be, a new right one. Recorded by the unit's managers, with the
voucher (凭证号) of the payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import can_manage

from .audit_events import EVENT_USE_RECORDED
from .models import UseEntry

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")


def use_amount(value: Any) -> Decimal:
    """An amount typed by a person: positive, to the fen, not absurd; a Chinese refusal otherwise."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("请输入金额（元），例如 120.50。")}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("金额必须大于零。")})
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("金额超过 100 万元，请核对。")})
    if amount != amount.quantize(FEN):
        raise ValidationError({"amount": _("金额最多精确到分（两位小数）。")})
    return amount.quantize(FEN)


def _require(acting_user: Any, unit: OrgUnit) -> None:
    if not can_manage(acting_user=acting_user, unit=unit):
        raise PermissionDenied(_("只有本组织的管理者可以记录党费使用。"))


def use_record(
    *,
    acting_user: Any,
    unit: OrgUnit,
    spent_on: date,
    purpose: str,
    amount: Any,
    description: str,
    voucher: str = "",
) -> UseEntry:
    """Record what the unit's retained share paid for."""
    _require(acting_user, unit)
    money = use_amount(amount)
    if purpose not in UseEntry.Purpose.values:
        raise ValidationError({"purpose": _("请选择用途。")})
    if spent_on > timezone.localdate():
        raise ValidationError({"spent_on": _("日期不能晚于今天。")})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("请填写摘要。")})
    return _write(
        acting_user,
        UseEntry(
            unit=unit,
            spent_on=spent_on,
            purpose=purpose,
            amount=money,
            description=description,
            voucher=(voucher or "").strip(),
            created_by=acting_user,
        ),
    )


def use_correct(*, acting_user: Any, line: UseEntry, reason: str) -> UseEntry:
    """Reverse ``line``: a new line of the opposite amount that names it, dated today."""
    _require(acting_user, line.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明冲正的原因。")})
    with transaction.atomic():
        line = UseEntry.objects.select_for_update().get(pk=line.pk)
        if line.corrects_id is not None:
            raise ValidationError(_("冲正记录不能再冲正；如有错误，请重新记录一笔。"))
        if line.corrections.exists():
            raise ValidationError(_("这笔记录已经冲正过了。"))
        return _write(
            acting_user,
            UseEntry(
                unit=line.unit,
                spent_on=timezone.localdate(),
                purpose=line.purpose,
                amount=-line.amount,
                description=(_("冲正：%(text)s（%(reason)s）") % {"text": line.description, "reason": reason})[:200],
                voucher=line.voucher,
                corrects=line,
                created_by=acting_user,
            ),
        )


def _write(acting_user: Any, line: UseEntry) -> UseEntry:
    with transaction.atomic():
        line.save()
        audit_record(
            event=EVENT_USE_RECORDED,
            actor=acting_user,
            target=line,
            after={
                "unit": line.unit_id,
                "spent_on": line.spent_on.isoformat(),
                "purpose": line.purpose,
                "amount": str(line.amount),
                "voucher": line.voucher,
                "corrects": line.corrects_id,
            },
        )
    return line


def use_lines(*, unit: OrgUnit, year: int) -> QuerySet[UseEntry]:
    """The use lines of ``unit`` and the units below it in ``year``, by date."""
    return (
        UseEntry.objects.filter(unit__path__startswith=unit.path, spent_on__year=year)
        .select_related("unit", "corrects")
        .order_by("spent_on", "pk")
    )


def use_totals(lines: QuerySet[UseEntry]) -> dict[str, Decimal]:
    """Per purpose, the net amount (a reversal cancels its line)."""
    return {
        row["purpose"]: row["total"]
        for row in lines.values("purpose").annotate(total=Sum("amount")).order_by("purpose")
    }
