"""A verified payment written to the ledger, exactly once (docs/dues.md "Paying online").

Under a lock on the order (``select_for_update``), in one transaction: a payment entry per month
the order pays, keyed ``<provider>:<txn>:<yyyy-mm>`` (unique in the database), booked in the open
month. Whatever cannot be booked is never dropped: it becomes a reconciliation line
(``Mismatch``) for the organization commissioner, with an audit row:

- no such order → ``unknown_order``; an amount other than the order's → ``amount_differs``, the
  order stays unpaid and nothing is written;
- the order already paid by this transaction (a replay, a duplicate, a late callback) → nothing;
  paid by another transaction → ``already_paid`` (a refund is due);
- the member transferred out meanwhile → ``transferred_out`` (a refund is due);
- no month open for booking → ``not_booked``: the order is kept paid, the commissioner books it
  once a month is open (``order_book``);
- anything paid, reduced or corrected for the order's months since the order was made (cash at the
  branch, another order) → ``already_paid``: the order's amounts are stale, a refund may be due.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.dues.audit_events import EVENT_ONLINE_PAYMENT_RECORDED, EVENT_PAYMENT_MISMATCH
from services.dues.models import Entry, Month, PaymentOrder
from services.dues.selectors import open_month_for_booking
from services.members.models import Member
from services.organization.scope import require_manage

from .base import Notice
from .models import Mismatch, OrderMonth


@dataclass(frozen=True)
class Booked:
    outcome: str  # "booked", "duplicate", or a Mismatch.Kind
    order: PaymentOrder | None = None


def mismatch_record(
    *,
    kind: str,
    provider: str,
    out_trade_no: str,
    txn: str,
    expected: Decimal | None,
    received: Decimal | None,
    order: PaymentOrder | None = None,
) -> Mismatch:
    """The reconciliation line of ``kind`` for this payment, once (a replay finds it written)."""
    member = order.member if order is not None else None
    line, created = Mismatch.objects.get_or_create(
        key=f"{kind}:{provider}:{txn or out_trade_no}",
        defaults={
            "kind": kind,
            "provider": provider,
            "out_trade_no": out_trade_no,
            "provider_txn": txn,
            "expected": expected,
            "received": received,
            "order": order,
            "member": member,
            "unit_id": member.branch_id if member is not None else None,
        },
    )
    if created:
        audit_record(
            event=EVENT_PAYMENT_MISMATCH,
            target=line,
            after={
                "kind": kind,
                "provider": provider,
                "out_trade_no": out_trade_no,
                "txn": txn,
                "expected": str(expected) if expected is not None else None,
                "received": str(received) if received is not None else None,
            },
        )
    return line


def _mismatch(kind: str, order: PaymentOrder, notice: Notice) -> Booked:
    mismatch_record(
        kind=kind,
        provider=order.provider,
        out_trade_no=order.out_trade_no,
        txn=notice.txn,
        expected=order.amount,
        received=notice.amount,
        order=order,
    )
    return Booked(kind, order)


def _settled_meanwhile(order: PaymentOrder, lines: list[OrderMonth]) -> bool:
    """Whether anything was paid, reduced or corrected for the order's months since the order fixed
    their amounts (cash at the branch, another order): then this payment would count twice."""
    months = Q()
    for line in lines:
        months |= Q(year=line.year, month=line.month)
    later = Entry.objects.filter(months, member_id=order.member_id, created_at__gte=order.created_at)
    return later.exclude(kind__in=[Entry.Kind.BILL, Entry.Kind.VOLUNTARY]).exists()


def _write_entries(order: PaymentOrder, lines: list[OrderMonth], month: Month, acting_user: Any = None) -> None:
    member = order.member
    Entry.objects.bulk_create(
        Entry(
            member=member,
            unit_id=member.branch_id,
            kind=Entry.Kind.PAYMENT,
            year=line.year,
            month=line.month,
            booked=month,
            amount=-line.amount,
            method=order.provider,
            reference=order.provider_txn,
            idempotency_key=f"{order.provider}:{order.provider_txn}:{line.year}-{line.month:02d}",
            note=order.out_trade_no,
            created_by=acting_user,
        )
        for line in lines
    )
    audit_record(
        event=EVENT_ONLINE_PAYMENT_RECORDED,
        actor=acting_user,
        target=order,
        after={
            "out_trade_no": order.out_trade_no,
            "provider": order.provider,
            "txn": order.provider_txn,
            "amount": str(order.amount),
            "months": order.months,
            "booked": str(month),
        },
    )


def _book(order: PaymentOrder, notice: Notice, acting_user: Any = None) -> Booked:
    """Write the paid order's entries, or the line saying why they cannot be written."""
    member = order.member
    if member.status == Member.Status.TRANSFERRED_OUT:
        return _mismatch(Mismatch.Kind.TRANSFERRED_OUT, order, notice)
    try:
        month = open_month_for_booking()
    except ValidationError:
        return _mismatch(Mismatch.Kind.NOT_BOOKED, order, notice)
    lines = list(order.lines.all())
    if _settled_meanwhile(order, lines):
        return _mismatch(Mismatch.Kind.ALREADY_PAID, order, notice)
    _write_entries(order, lines, month, acting_user)
    return Booked("booked", order)


@transaction.atomic
def payment_record(*, provider: str, notice: Notice) -> Booked:
    """Book a verified payment ``notice`` of ``provider`` (a callback, or the provider's answer to
    a query); safe to call any number of times for the same payment."""
    # The order's row and its member's: one payment of an order at a time, and one member's orders
    # one after another (two orders for the same months).
    order = (
        PaymentOrder.objects.select_for_update(of=("self", "member"))
        .select_related("member")
        .filter(out_trade_no=notice.out_trade_no, provider=provider)
        .order_by()
        .first()
    )
    if order is None:
        mismatch_record(
            kind=Mismatch.Kind.UNKNOWN_ORDER,
            provider=provider,
            out_trade_no=notice.out_trade_no,
            txn=notice.txn,
            expected=None,
            received=notice.amount,
        )
        return Booked(Mismatch.Kind.UNKNOWN_ORDER)
    if order.status == PaymentOrder.Status.PAID:
        if order.provider_txn == notice.txn:
            return Booked("duplicate", order)
        return _mismatch(Mismatch.Kind.ALREADY_PAID, order, notice)
    if notice.amount != order.amount:
        return _mismatch(Mismatch.Kind.AMOUNT_DIFFERS, order, notice)
    order.status, order.provider_txn, order.paid_at = PaymentOrder.Status.PAID, notice.txn, notice.paid_at
    order.save(update_fields=["status", "provider_txn", "paid_at"])
    return _book(order, notice)


@transaction.atomic
def order_book(*, acting_user: Any, mismatch: Mismatch) -> Booked:
    """The organization commissioner books a paid order that could not be booked when it was paid
    (no month was open) into the open month now."""
    if mismatch.kind != Mismatch.Kind.NOT_BOOKED or mismatch.order_id is None:
        raise ValidationError(_("这条对账差异不能直接入账。"), code="not_bookable")
    order = (
        PaymentOrder.objects.select_for_update(of=("self", "member"))
        .select_related("member__branch")
        .get(pk=mismatch.order_id)
    )
    require_manage(acting_user=acting_user, unit=order.member.branch, message=_("只有本支部的管理人员可以入账。"))
    if Entry.objects.filter(idempotency_key__startswith=f"{order.provider}:{order.provider_txn}:").exists():
        raise ValidationError(_("这笔支付已经入账。"), code="already_booked")
    notice = Notice(out_trade_no=order.out_trade_no, txn=order.provider_txn, amount=order.amount, paid_at=order.paid_at)  # type: ignore[arg-type]
    open_month_for_booking()  # a clear message when there is still no open month
    done = _book(order, notice, acting_user)
    if done.outcome != "booked":
        raise ValidationError(_("无法入账：%(reason)s") % {"reason": Mismatch.Kind(done.outcome).label})
    return done


def may_see_mismatches(acting_user: Any) -> None:
    from services.organization.scope import scope_for

    if not scope_for(acting_user).is_manager:
        raise PermissionDenied(_("只有党组织的管理人员可以查看支付对账。"))
