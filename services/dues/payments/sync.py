"""Ask the provider how an order stands, and book it if it is paid (a late or lost callback)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services.dues.models import PaymentOrder

from . import provider_for
from .base import Notice, PaymentError
from .booking import payment_record


def order_sync(*, acting_user: Any, order: PaymentOrder) -> str:
    """The provider's state of ``order`` ("paid", "pending", "closed", "unknown"); a paid order is
    booked as its callback would have been (the same exactly-once path)."""
    if order.status == PaymentOrder.Status.PAID:
        return "paid"
    try:
        status = provider_for(order.provider).query(order.out_trade_no)
    except PaymentError as exc:
        raise ValidationError(_("暂时无法查询支付渠道，请稍后再试。"), code="provider_failed") from exc
    if status.state == "paid" and status.amount is not None and status.paid_at is not None:
        notice = Notice(out_trade_no=order.out_trade_no, txn=status.txn, amount=status.amount, paid_at=status.paid_at)
        payment_record(provider=order.provider, notice=notice)
    return status.state
