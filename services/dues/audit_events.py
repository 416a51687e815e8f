"""The audit events of party dues (services/kernel/audit_events.py). Each part of the dues work
keeps its declarations in its own block."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

# Paying online (orders, provider callbacks, reconciliation): services/dues/payments/, callbacks.py, reconcile.py
EVENT_ORDER_CREATED = declare(
    "dues.order_created", label=_("发起党费在线支付"), detail="after: out_trade_no, provider, amount, months"
)
EVENT_PAYMENT_RECORDED = declare(
    "dues.payment_recorded", label=_("党费在线支付入账"), detail="after: out_trade_no, provider, txn, amount, months"
)
EVENT_PAYMENT_MISMATCH = declare(
    "dues.payment_mismatch",
    label=_("党费支付对账差异"),
    detail="after: kind, provider, out_trade_no, txn, expected, received",
)
EVENT_CALLBACK_REFUSED = declare(
    "dues.callback_refused", label=_("拒绝支付回调"), detail="detail: provider, code (signature, stale, body…)"
)
EVENT_STATEMENT_IMPORTED = declare(
    "dues.statement_imported", label=_("导入支付对账单"), detail="after: provider, day, lines, total, mismatches"
)
